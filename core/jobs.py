"""Job runs: one record per run with progress, so long jobs are visible in the admin and on the console."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils import timezone

from .choices import JobStatus
from .models import JobRun


class JobRefused(Exception):
    """The job would overwrite approved results, or its input is not acceptable; nothing was written."""


class JobProgress:
    """Progress reporter handed to services; writes to the JobRun and an optional console callback."""

    def __init__(self, run: JobRun, on_progress: Callable[[int, int], None] | None = None):
        self.run = run
        self._on_progress = on_progress

    def set_total(self, total: int) -> None:
        self.run.total = total
        JobRun.objects.filter(pk=self.run.pk).update(total=total)
        self._notify()

    def advance(self, step: int = 1) -> None:
        self.run.done += step
        JobRun.objects.filter(pk=self.run.pk).update(done=self.run.done)
        self._notify()

    def _notify(self) -> None:
        if self._on_progress:
            self._on_progress(self.run.done, self.run.total)


@contextmanager
def job_run(
    *, job: str, key: str, user=None, on_progress: Callable[[int, int], None] | None = None
) -> Iterator[JobProgress]:
    """Record a run; the body's counts go into ``progress.run.counts``. Failures are recorded, then re-raised."""
    run = JobRun.objects.create(job=job, key=key, started_by=user if getattr(user, "pk", None) else None)
    progress = JobProgress(run, on_progress)
    try:
        yield progress
    except JobRefused as exc:
        _finish(run, JobStatus.REFUSED, str(exc))
        raise
    except Exception as exc:
        _finish(run, JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(run, JobStatus.SUCCEEDED, run.message)


def _finish(run: JobRun, status: str, message: str) -> None:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        status=status, message=message, finished_at=run.finished_at, counts=run.counts, done=run.done
    )
