"""Job runs: one record per run with progress, so long jobs are visible in the admin and on the console.

Every job is an ``<entity>_job(*, <period>, user=None, on_progress=None)`` service of its app that wraps its work
in :func:`job_run`; the management commands (``core.jobcommand.JobCommand``), the Celery tasks and the admin page
call that one function. ``job_run``:

* serialises runs of one job for one period (a session advisory lock on PostgreSQL): a second run waits, its
  record saying so, and then finds the first one's results — never an ``IntegrityError``;
* keeps a heartbeat; a run whose process died (no heartbeat for ``JOB_HEARTBEAT_TIMEOUT`` seconds) is marked
  failed by :func:`stale_runs_fail` (called when a run starts, when runs are listed and by a periodic task);
* commits progress outside the job's transaction when it can (PostgreSQL, not inside a caller's transaction):
  a heartbeat thread with its own connection writes ``done``/``total``, so other users see a live bar.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from .choices import PROTECTED_STATUSES, JobStatus
from .models import JobRun

__all__ = [
    "PROTECTED_STATUSES",
    "JobProgress",
    "JobRefused",
    "JobSpec",
    "heartbeat",
    "heartbeat_record_register",
    "job_register",
    "job_label",
    "job_run",
    "job_specs",
    "stale_runs_fail",
]


class JobRefused(Exception):
    """The job would overwrite approved results, or its input is not acceptable; nothing was written."""


# --- the jobs the admin can start ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobSpec:
    """A job as the admin page offers it: ``name`` is the JobRun.job value, ``task`` the Celery task name and
    ``period`` the task's keyword (``date`` YYYY-MM-DD, ``month`` YYYY-MM or ``year`` YYYY)."""

    name: str
    label: str
    task: str
    period: str
    command: str

    def celery_task(self):
        """The task object (its module ``<app>.tasks`` imported, as the worker's autodiscovery does)."""
        from importlib import import_module

        from celery import current_app

        import_module(f"{self.task.split('.')[0]}.tasks")
        return current_app.tasks[self.task]

    def parse(self, value: str):
        from .months import parse_date, parse_month

        if self.period == "date":
            return parse_date(value)
        if self.period == "month":
            return parse_month(value)
        if not (value.isdigit() and len(value) == 4):
            raise ValueError(f"“{value}” 不是年份（YYYY）")
        return int(value)


_JOBS: dict[str, JobSpec] = {}


def job_register(*, name: str, label: str, task: str, period: str, command: str = "") -> None:
    """Called from each app's ``AppConfig.ready()``: the job appears on the admin's start page. ``command`` is
    the management command (by default the job's name)."""
    if period not in {"date", "month", "year"}:
        raise ValueError(f"period must be date, month or year, not {period!r}")
    _JOBS[name] = JobSpec(name=name, label=label, task=task, period=period, command=command or name)


def job_specs() -> list[JobSpec]:
    return list(_JOBS.values())


def job_label(name: str) -> str:
    """The registered label of a job (its JobRun.job value), or the name itself for a job no longer registered."""
    spec = _JOBS.get(name)
    return str(spec.label) if spec else name


# --- heartbeat and stale runs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HeartbeatRecord:
    model: type
    running: str
    failed: str
    note_field: str


_HEARTBEAT_RECORDS: list[_HeartbeatRecord] = []


def heartbeat_record_register(model, *, running: str, failed: str, note_field: str) -> None:
    """A run record with ``status`` and ``heartbeat_at`` that :func:`stale_runs_fail` watches (JobRun, ImportRun)."""
    if all(record.model is not model for record in _HEARTBEAT_RECORDS):
        _HEARTBEAT_RECORDS.append(_HeartbeatRecord(model, running, failed, note_field))


def heartbeat_timeout() -> int:
    return int(settings.JOB_HEARTBEAT_TIMEOUT)


def stale_runs_fail(*, now: dt.datetime | None = None) -> int:
    """Mark failed every running record whose heartbeat is older than ``JOB_HEARTBEAT_TIMEOUT``: its process died
    (killed, machine restarted). Its transaction was rolled back with it, so re-running it is safe."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=heartbeat_timeout())
    note = f"进程已中断：超过 {heartbeat_timeout()} 秒没有心跳，已标记为失败；可重新运行。"
    failed = 0
    for record in _HEARTBEAT_RECORDS:
        failed += record.model.objects.filter(status=record.running, heartbeat_at__lt=cutoff).update(
            status=record.failed, finished_at=now, **{record.note_field: note}
        )
    return failed


def _live_writes() -> bool:
    """Progress can be committed apart from the job's own transaction: PostgreSQL (SQLite has one writer) and the
    caller is not itself in a transaction (then the record is not visible to anyone else before it commits)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class _Beat(threading.Thread):
    """Writes ``values()`` and the heartbeat to one record every ``JOB_HEARTBEAT_INTERVAL`` seconds through its
    own connection (autocommit), until stopped; a last write on stop."""

    def __init__(self, model, pk: int, values: Callable[[], dict]):
        super().__init__(name=f"heartbeat-{model._meta.label}-{pk}", daemon=True)
        self._model, self._pk, self._values = model, pk, values
        self._stop_event = threading.Event()
        self._wake = threading.Event()

    def run(self) -> None:
        interval = float(settings.JOB_HEARTBEAT_INTERVAL)
        try:
            while not self._stop_event.is_set():
                self._write()
                self._wake.wait(interval)
                self._wake.clear()
            self._write()
        finally:
            connections.close_all()  # this thread's connections only

    def _write(self) -> None:
        try:
            self._model.objects.filter(pk=self._pk).update(heartbeat_at=timezone.now(), **self._values())
        except Exception:  # a lost connection must not kill the job; the next beat retries
            connections["default"].close()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()
        self.join()


@contextmanager
def heartbeat(model, pk: int, values: Callable[[], dict] | None = None) -> Iterator[Callable[[], None] | None]:
    """Keep ``model`` row ``pk`` alive while the body runs. Yields a ``poke()`` that asks for an early write of
    ``values()`` (progress), or ``None`` when writes cannot be made apart from the body's transaction."""
    if not _live_writes():
        yield None
        return
    beat = _Beat(model, pk, values or dict)
    beat.start()
    try:
        yield beat.poke
    finally:
        beat.stop()


# --- job runs -------------------------------------------------------------------------------------------------------


class JobProgress:
    """Progress reporter handed to services; writes to the JobRun and an optional console callback."""

    #: at most one progress write per this many seconds when writing in the job's own transaction
    SAME_CONNECTION_EVERY = 0.5

    def __init__(self, run: JobRun, on_progress: Callable[[int, int], None] | None = None):
        self.run = run
        self._on_progress = on_progress
        self._poke: Callable[[], None] | None = None
        self._written = 0.0

    def set_total(self, total: int) -> None:
        self.run.total = total
        self._store(force=True)
        self._notify()

    def advance(self, step: int = 1) -> None:
        self.run.done += step
        self._store(force=self.run.done >= self.run.total)
        self._notify()

    def values(self) -> dict:
        return {"done": self.run.done, "total": self.run.total, "message": self.run.message}

    def say(self, message: str) -> None:
        """A line shown on the run while it is running (e.g. waiting for another run)."""
        self.run.message = message
        self._store(force=True)

    def _store(self, *, force: bool) -> None:
        if self._poke is not None:
            self._poke()  # the heartbeat thread writes it, committed at once
            return
        now = time.monotonic()
        if force or now - self._written >= self.SAME_CONNECTION_EVERY:
            self._written = now
            JobRun.objects.filter(pk=self.run.pk).update(heartbeat_at=timezone.now(), **self.values())

    def _notify(self) -> None:
        if self._on_progress:
            self._on_progress(self.run.done, self.run.total)


@contextmanager
def _period_lock(job: str, key: str, progress: JobProgress) -> Iterator[None]:
    """One run per job and period at a time (PostgreSQL session advisory lock, released when the connection
    ends, so a killed process does not keep it). A second run waits, saying so on its record."""
    if connection.vendor != "postgresql":
        yield  # SQLite serialises writers
        return
    name = f"job:{job}:{key}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
        acquired = cursor.fetchone()[0]
        if not acquired:
            other = (JobRun.objects.filter(job=job, key=key, status=JobStatus.RUNNING)
                     .exclude(pk=progress.run.pk).order_by("started_at").first())
            progress.say(f"等待同一期间的另一次运行结束（作业运行 #{other.pk}）……" if other else
                         "等待同一期间的另一次运行结束……")
            while not acquired:
                time.sleep(float(settings.JOB_LOCK_POLL))
                cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
                acquired = cursor.fetchone()[0]
            progress.say("")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
        except DatabaseError:
            # the caller's transaction is aborted: the lock ends with the connection; the body's error matters
            pass


@contextmanager
def job_run(
    *, job: str, key: str, user=None, on_progress: Callable[[int, int], None] | None = None
) -> Iterator[JobProgress]:
    """Record a run; the body's counts go into ``progress.run.counts``. Failures are recorded, then re-raised."""
    stale_runs_fail()
    run = JobRun.objects.create(job=job, key=key, started_by=user if getattr(user, "pk", None) else None,
                                heartbeat_at=timezone.now())
    progress = JobProgress(run, on_progress)
    try:
        with heartbeat(JobRun, run.pk, progress.values) as poke:
            progress._poke = poke
            with _period_lock(job, key, progress):
                yield progress
            progress._poke = None
    except JobRefused as exc:
        _finish(run, JobStatus.REFUSED, str(exc))
        raise
    except BaseException as exc:  # includes Celery's soft time limit and KeyboardInterrupt
        _finish(run, JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(run, JobStatus.SUCCEEDED, run.message)


def _finish(run: JobRun, status: str, message: str) -> None:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        status=status, message=message, finished_at=run.finished_at, counts=run.counts, done=run.done,
        total=run.total, heartbeat_at=run.finished_at,
    )
