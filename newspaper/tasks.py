from celery import shared_task
from django.utils import timezone

from core.jobs import job_run

from .services import documents_expiry_check


@shared_task(name="newspaper.documents_expiry_check", time_limit=30 * 60, soft_time_limit=25 * 60, acks_late=True)
def documents_expiry_check_task(day: str | None = None) -> dict[str, int]:
    """Daily: flag partner documents expiring within the rule set's warning bands (R-N-QUAL); safe to run twice."""
    import datetime as dt

    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    with job_run(job="newspaper_documents_expiry_check", key=on.isoformat()) as progress:
        counts = documents_expiry_check(on=on)
        progress.run.counts = counts
    return counts
