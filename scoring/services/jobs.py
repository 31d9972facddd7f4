"""What the management commands and the Celery tasks run (inside ``core.jobs.job_run``)."""

import datetime as dt

from core.jobs import job_run
from overrides.choices import OverrideKind
from overrides.services import overrides_automatic_sync

from .assessment import monthly_assessment_run
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
