"""Celery tasks: thin wrappers over the scoring jobs, safe to run twice (the jobs upsert)."""

import datetime as dt

from django.db import OperationalError
from django.utils import timezone

from core.months import parse_date, parse_month, previous_month
from core.tasks import job_task, scheduled_run_claim, skipped, task_user

from .services import daily_notifications_job, monthly_assessment_job

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
