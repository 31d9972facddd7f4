"""Celery plumbing shared by the job tasks: one decorator with the jobs' options, the beat claim, and the periodic
task that marks runs whose process died as failed."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction


def job_task(*, name: str, hard_limit: int, idempotent: bool = True, **options):
    """``shared_task`` for a job: explicit name, a soft time limit five minutes (at most a tenth) before the hard
    one, and — only for idempotent jobs — late acks with ``reject_on_worker_lost``, so a message whose worker was
    killed mid-run is handed to the next worker (the killed run's transaction was rolled back with it)."""
    return shared_task(
        name=name, bind=True, time_limit=hard_limit, soft_time_limit=hard_limit - min(300, hard_limit // 10),
        acks_late=idempotent, reject_on_worker_lost=idempotent, **options,
    )


def task_user(user_id):
    """The user who started the run from the admin (``user_id`` passed to the task), or ``None`` for beat."""
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def scheduled_run_claim(task, *, key: str) -> bool:
    """A beat-started run (no period given) of ``task`` for period ``key`` runs once even when two beats sent it:
    the first message claims the period; a redelivery of that same message (its worker died) may run again; any
    other message for the period is skipped."""
    from .models import ScheduledRun

    task_id = task.request.id or ""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(task=task.name, key=key, task_id=task_id)
        return True
    except IntegrityError:
        return ScheduledRun.objects.filter(task=task.name, key=key, task_id=task_id).exists()


def skipped(task, key: str) -> dict:
    return {"skipped": f"{task.name} {key} 已由另一个定时消息运行，本次跳过"}


@shared_task(name="core.fail_stale_runs", time_limit=120, soft_time_limit=100, acks_late=True,
             reject_on_worker_lost=True)
def fail_stale_runs() -> dict:
    """Mark failed the job and import runs whose process died (no heartbeat for ``JOB_HEARTBEAT_TIMEOUT``)."""
    from .jobs import stale_runs_fail

    return {"failed": stale_runs_fail()}
