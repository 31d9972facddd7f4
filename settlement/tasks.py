from celery import shared_task
from django.utils import timezone

from core.months import parse_month, previous_month

from .services import settlement_run_job


@shared_task(name="settlement.run_settlement", time_limit=3600, soft_time_limit=3300, acks_late=True)
def run_settlement(month: str | None = None) -> dict:
    """Monthly settlement for ``month`` (YYYY-MM); the beat schedule passes none and settles the previous month."""
    day = parse_month(month) if month else previous_month(timezone.localdate())
    return settlement_run_job(month=day)
