"""Celery tasks: thin wrappers around the same services the management commands call."""

from django.utils import timezone

from core.months import format_month, parse_date, parse_month, previous_month
from core.tasks import job_task, scheduled_run_claim, skipped, task_user

from .services import credit_sanctions_job, credit_scoring_job


@job_task(name="credit.run_credit_scoring", hard_limit=60 * 60)
def run_credit_scoring(self, month: str | None = None, user_id=None) -> dict:
    """Compute a month's draft credit scores; by default the previous month."""
    target = parse_month(month) if month else previous_month(timezone.localdate())
    if not month and not scheduled_run_claim(self, key=format_month(target)):
        return skipped(self, format_month(target))
    return credit_scoring_job(month=target, user=task_user(user_id))


@job_task(name="credit.apply_due_sanctions", hard_limit=30 * 60)
def apply_due_sanctions(self, date: str | None = None, user_id=None) -> dict:
    """Apply sanctions due on or before the day (R-K-DEADLINE) and end those of ended cooperations (R-K-AFTER-END)."""
    day = parse_date(date) if date else timezone.localdate()
    if not date and not scheduled_run_claim(self, key=day.isoformat()):
        return skipped(self, day.isoformat())
    return credit_sanctions_job(day=day, user=task_user(user_id))
