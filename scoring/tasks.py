"""Celery tasks: thin wrappers over the scoring jobs, safe to run twice (the jobs upsert)."""

import datetime as dt
import uuid

from celery import chord, group, shared_task
from django.db import OperationalError
from django.utils import timezone

from core.months import parse_date, parse_month, previous_month
from core.tasks import job_task, scheduled_run_claim, skipped, task_user

from .services import (
    daily_notifications_job,
    month_end_counts_merge,
    month_end_has_protected_results,
    month_end_job,
    month_end_shards,
    monthly_assessment_job,
)

TIME_LIMIT = 2 * 60 * 60
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 60, "max_retries": 3}


@job_task(name="scoring.run_daily_notifications", hard_limit=TIME_LIMIT, **RETRY)
def run_daily_notifications(self, date: str | None = None, refresh_month: bool = False, user_id=None) -> dict:
    """Notifications of ``date`` (YYYY-MM-DD); by default the previous day in Asia/Shanghai (the beat schedule)."""
    day = parse_date(date) if date else timezone.localdate() - dt.timedelta(days=1)
    if not date and not scheduled_run_claim(self, key=day.isoformat()):
        return {"date": day.isoformat(), **skipped(self, day.isoformat())}
    counts = daily_notifications_job(day=day, user=task_user(user_id), refresh_month=refresh_month)
    return {"date": day.isoformat(), **counts}


@job_task(name="scoring.run_monthly_assessment", hard_limit=TIME_LIMIT, **RETRY)
def run_monthly_assessment(self, month: str | None = None, user_id=None) -> dict:
    """Assessment of ``month`` (YYYY-MM); by default the previous month (the beat schedule)."""
    first = parse_month(month) if month else previous_month(timezone.localdate())
    if not month and not scheduled_run_claim(self, key=f"{first:%Y-%m}"):
        return {"month": f"{first:%Y-%m}", **skipped(self, f"{first:%Y-%m}")}
    return {"month": f"{first:%Y-%m}", **monthly_assessment_job(month=first, user=task_user(user_id))}


@job_task(name="scoring.run_month_end", hard_limit=TIME_LIMIT, **RETRY)
def run_month_end(self, month: str | None = None, user_id=None, low: int | None = None,
                  high: int | None = None) -> dict:
    """The month end of ``month`` (YYYY-MM; by default the previous month) in one run: every day's notifications,
    warnings and proposals, then the assessment. ``low``/``high`` (partner ids, inclusive) run one shard."""
    first = parse_month(month) if month else previous_month(timezone.localdate())
    partners = (low, high) if low is not None else None
    counts = month_end_job(month=first, user=task_user(user_id), partners=partners)
    return {"month": f"{first:%Y-%m}", **counts}


@job_task(name="scoring.run_month_end_sharded", hard_limit=TIME_LIMIT, **RETRY)
def run_month_end_sharded(self, month: str, shards: int = 2, user_id=None, queue: str | None = None) -> dict:
    """The month end as a Celery group of ``shards`` partner-range tasks with a final step (chord): workers on
    other machines against the same PostgreSQL and Redis take the shards. A month holding approved or submitted
    results runs as one task instead (its refusal must leave the whole month unwritten)."""
    first = parse_month(month)
    options = {"queue": queue} if queue else {}
    collect = month_end_collect.s(month=month).set(task_id=str(uuid.uuid4()), **options)
    if shards <= 1 or month_end_has_protected_results(month=first):
        run_month_end.apply_async(kwargs={"month": month, "user_id": user_id}, link=collect, **options)
        return {"month": month, "shards": 1, "collect_task_id": collect.id}
    parts = month_end_shards(month=first, count=shards)
    chord(group(run_month_end.s(month=month, user_id=user_id, low=low, high=high).set(**options)
                for low, high in parts))(collect)
    return {"month": month, "shards": len(parts), "collect_task_id": collect.id}


@shared_task(name="scoring.month_end_collect", bind=True, time_limit=120, soft_time_limit=100)
def month_end_collect(self, results, month: str) -> dict:
    """The final step of the sharded month end: the shards' counts added up."""
    results = results if isinstance(results, list) else [results]
    return {"month": month, "shards": len(results), **month_end_counts_merge(results)}
