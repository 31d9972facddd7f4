from django.utils import timezone

from core.months import format_month, parse_month, previous_month
from core.tasks import job_task, scheduled_run_claim, skipped, task_user

from .services import settlement_job


@job_task(name="settlement.run_settlement", hard_limit=60 * 60)
def run_settlement(self, month: str | None = None, user_id=None) -> dict:
    """Monthly settlement for ``month`` (YYYY-MM); the beat schedule passes none and settles the previous month."""
    day = parse_month(month) if month else previous_month(timezone.localdate())
    if not month and not scheduled_run_claim(self, key=format_month(day)):
        return skipped(self, format_month(day))
    return settlement_job(month=day, user=task_user(user_id))
