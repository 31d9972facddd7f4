"""Celery tasks: thin wrappers over the scoring jobs, safe to run twice (the jobs upsert)."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.months import parse_date, parse_month, previous_month

from .services import daily_notifications_job, monthly_assessment_job

TIME_LIMIT = 2 * 60 * 60


@shared_task(
    name="scoring.run_daily_notifications",
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 300,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def run_daily_notifications(date: str | None = None) -> dict:
    """Notifications of ``date`` (YYYY-MM-DD); by default the previous day in Asia/Shanghai (the beat schedule)."""
    day = parse_date(date) if date else timezone.localdate() - dt.timedelta(days=1)
    return {"date": day.isoformat(), **daily_notifications_job(day=day)}


@shared_task(
    name="scoring.run_monthly_assessment",
    time_limit=TIME_LIMIT,
    soft_time_limit=TIME_LIMIT - 300,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def run_monthly_assessment(month: str | None = None) -> dict:
    """Assessment of ``month`` (YYYY-MM); by default the previous month (the beat schedule)."""
    first = parse_month(month) if month else previous_month(timezone.localdate())
    return {"month": f"{first:%Y-%m}", **monthly_assessment_job(month=first)}
