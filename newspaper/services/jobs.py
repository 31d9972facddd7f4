"""The newspaper jobs as the commands, the Celery tasks and the admin's start page run them (recorded job runs)."""

from __future__ import annotations

import datetime as dt

from core.jobs import job_run

from .breaches_scores import operating_scores_run
from .qualification import documents_expiry_check

#: JobRun.job of the daily document-expiry check (the name its earlier runs were recorded under)
DOCUMENT_EXPIRY_JOB_NAME = "newspaper_documents_expiry_check"
OPERATING_SCORES_JOB_NAME = "run_newspaper_scores"


def documents_expiry_job(*, day: dt.date, user=None, on_progress=None) -> dict[str, int]:
    """Daily: flag the documents expiring within the rule set's warning bands (R-N-QUAL); safe to run twice."""
    with job_run(job=DOCUMENT_EXPIRY_JOB_NAME, key=day.isoformat(), user=user, on_progress=on_progress) as progress:
        counts = progress.run.counts = documents_expiry_check(on=day, progress=progress)
        progress.run.message = (f"检查 {counts['checked']} 份，预警 {counts['flagged']} 份，"
                                f"已过期 {counts['expired']} 份")
    return counts


def operating_scores_job(*, year: int, user=None, on_progress=None) -> dict[str, int]:
    """Every listed product's operating score for ``year`` (R-N-SCORE); upserts, so a second run changes nothing."""
    with job_run(job=OPERATING_SCORES_JOB_NAME, key=str(year), user=user, on_progress=on_progress) as progress:
        counts = progress.run.counts = operating_scores_run(year=year, progress=progress)
        progress.run.message = f"计算 {counts['products']} 个产品的运营分"
    return counts
