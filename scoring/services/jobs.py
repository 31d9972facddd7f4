"""What the management commands and the Celery tasks run (inside ``core.jobs.job_run``)."""

import datetime as dt

from django.db import transaction

from core.jobs import job_run
from overrides.choices import OverrideKind
from overrides.services import overrides_automatic_sync

from .assessment import monthly_assessment_run
from .month_end import month_notifications_run
from .notifications import daily_notifications_run

# --- Jobs: what the management commands and the Celery tasks run --------------------------------------------------


def daily_notifications_job(
    *, day: dt.date, user=None, on_progress=None, refresh_month: bool = False
) -> dict[str, int]:
    with job_run(job="run_daily_notifications", key=day.isoformat(), user=user, on_progress=on_progress) as progress:
        counts = daily_notifications_run(day=day, progress=progress, actor=user, refresh_month=refresh_month)
        # overrides of proposals stay; record where the job's automatic value moved under one (docs/overrides.md)
        overrides_automatic_sync(kind=OverrideKind.PENALTY_PROPOSAL, month=day.replace(day=1))
        progress.run.counts = counts
    return counts


def monthly_assessment_job(*, month: dt.date, user=None, on_progress=None) -> dict[str, int]:
    month = month.replace(day=1)
    with job_run(job="run_monthly_assessment", key=f"{month:%Y-%m}", user=user, on_progress=on_progress) as progress:
        counts = monthly_assessment_run(month=month, progress=progress, actor=user)
        overrides_automatic_sync(kind=OverrideKind.ASSESSMENT_ITEM, month=month)
        progress.run.counts = counts
    return counts


def month_end_job(*, month: dt.date, user=None, on_progress=None, partners=None) -> dict[str, int]:
    """The month end in one run: every day's notifications with the month's warnings and penalty proposals
    (``month_notifications_run``: the rows 31 ``daily_notifications_job`` runs leave, in a few statements), then the
    monthly assessment. ``partners`` (an inclusive partner-id range) runs one shard of it (``scoring.tasks``)."""
    month = month.replace(day=1)
    key = f"{month:%Y-%m}" + (f" #{partners[0]}-{partners[1]}" if partners else "")
    with job_run(job="run_month_end", key=key, user=user, on_progress=on_progress) as progress:
        with transaction.atomic():
            counts = month_notifications_run(month=month, progress=progress, actor=user, partners=partners)
            counts.update(monthly_assessment_run(month=month, progress=progress, actor=user, partners=partners))
            # as the day-by-day jobs do: overrides stay, the automatic values they cover are recorded
            overrides_automatic_sync(kind=OverrideKind.PENALTY_PROPOSAL, month=month)
            overrides_automatic_sync(kind=OverrideKind.ASSESSMENT_ITEM, month=month)
        progress.run.counts = counts
    return counts
