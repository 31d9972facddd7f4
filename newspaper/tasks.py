"""Celery tasks: thin wrappers around the same job services the management commands call."""

from django.utils import timezone

from core.months import parse_date
from core.tasks import job_task, scheduled_run_claim, skipped, task_user

from .services import documents_expiry_job, operating_scores_job


@job_task(name="newspaper.documents_expiry_check", hard_limit=30 * 60)
def documents_expiry_check_task(self, date: str | None = None, user_id=None) -> dict:
    """Daily (beat 06:15): flag partner documents expiring within the rule set's warning bands (R-N-QUAL)."""
    day = parse_date(date) if date else timezone.localdate()
    if not date and not scheduled_run_claim(self, key=day.isoformat()):
        return skipped(self, day.isoformat())
    return documents_expiry_job(day=day, user=task_user(user_id))


@job_task(name="newspaper.run_operating_scores", hard_limit=60 * 60)
def operating_scores_task(self, year, user_id=None) -> dict:
    """A year's operating scores of the listed products (R-N-SCORE); safe to run twice."""
    return operating_scores_job(year=int(year), user=task_user(user_id))
