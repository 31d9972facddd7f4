"""Celery tasks: thin wrappers around the same services the management commands call."""

from celery import shared_task
from django.utils import timezone

from core.jobs import job_run
from core.months import format_month, parse_date, parse_month, previous_month

from .services import JOB_NAME, credit_sanctions_daily, credit_scoring_run


@shared_task(name="credit.run_credit_scoring", time_limit=60 * 60, soft_time_limit=55 * 60)
def run_credit_scoring(month: str | None = None) -> dict:
    """Compute a month's draft credit scores; by default the previous month."""
    target = parse_month(month) if month else previous_month(timezone.localdate())
    with job_run(job=JOB_NAME, key=format_month(target)) as progress:
        progress.run.counts = credit_scoring_run(month=target, progress=progress)
    return progress.run.counts


@shared_task(name="credit.apply_due_sanctions", time_limit=30 * 60, soft_time_limit=25 * 60)
def apply_due_sanctions(date: str | None = None) -> dict:
    """Apply sanctions due on or before the day (R-K-DEADLINE) and end those of ended cooperations (R-K-AFTER-END)."""
    day = parse_date(date) if date else timezone.localdate()
    with job_run(job="apply_credit_sanctions", key=day.isoformat()) as progress:
        progress.run.counts = credit_sanctions_daily(on=day)
    return progress.run.counts
