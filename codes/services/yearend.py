"""R-B-YEAREND: the year-end clean-up proposals and the job entry point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from core.jobs import JobProgress, JobRefused
from core.months import add_months, format_month
from scoring.selectors import rule_book_in_force

from .. import rules
from ..choices import (
    IN_FORCE_STATUSES,
    CodeKind,
    ProposalAction,
    ProposalTrigger,
)
from ..models import (
    BusinessCode,
    CodeMonthlyStat,
)
from .recycling import _decided_code_ids, _proposals_sync


def _minus_duration(day: dt.date, duration: Mapping[str, Any]) -> dt.date:
    amount, unit = int(duration["value"]), duration["unit"]
    if unit == "years":
        return add_months(day, -12 * amount)
    if unit == "months":
        return add_months(day, -amount)
    if unit == "weeks":
        return day - dt.timedelta(weeks=amount)
    return day - dt.timedelta(days=amount)


def code_yearend_propose(*, year: int, progress: JobProgress | None = None) -> dict[str, int]:
    """Propose recycling for monthly codes in force over the rule set's period at year end whose average
    users over the last months of the year is below the threshold (R-B-YEAREND). Idempotent; refuses to
    change submitted or approved proposals and to run before December's statistics are imported."""
    reference = dt.date(year, 12, 31)
    rule_set, book = rule_book_in_force(on=reference)
    rule = book.rule_id("code_yearend_min_average_users")
    window = book.integer("code_yearend_window_months")
    min_average = book.integer("code_yearend_min_average_users")
    cutoff = _minus_duration(reference, book.duration("code_yearend_min_in_force"))
    last_month = dt.date(year, 12, 1)
    months = [add_months(last_month, -offset) for offset in range(window - 1, -1, -1)]
    # codes whose proposal was already submitted or approved are judged again, so a re-run can tell
    # whether it would change them (their status may have moved on because of that very proposal)
    decided = _decided_code_ids(trigger=ProposalTrigger.YEAR_END, key=str(year))
    candidates = list(
        BusinessCode.objects.filter(kind=CodeKind.MONTHLY, effective_date__lt=cutoff)
        .filter(Q(status__in=IN_FORCE_STATUSES) | Q(pk__in=decided))
        .order_by("pk").values_list("pk", "code", "effective_date")
    )
    if progress:
        progress.set_total(len(candidates))
    if candidates and not CodeMonthlyStat.objects.filter(month=last_month).exists():
        raise JobRefused(f"{format_month(last_month)} 的代码统计尚未导入，不能进行年末清理（R-B-YEAREND）")
    users: dict[tuple[int, dt.date], int] = {
        (code_id, month): value
        for code_id, month, value in CodeMonthlyStat.objects.filter(
            code_id__in=[pk for pk, _, _ in candidates], month__in=months
        ).values_list("code_id", "month", "users")
    }
    desired: dict[int, dict[str, Any]] = {}
    reported = 0
    for index, (pk, code, effective) in enumerate(candidates, start=1):
        series = [(format_month(month), users.get((pk, month))) for month in months]
        verdict = rules.evaluate_year_end(code=code, months=series, min_average=min_average,
                                          in_force_since=f"{effective:%Y-%m-%d}", rule=rule)
        if verdict.recycle:
            desired[pk] = {
                "action": ProposalAction.RECYCLE, "rule_id": rule, "users": users.get((pk, last_month)) or 0,
                "average_users": verdict.average, "unsubscribe_batches": 0, "items": verdict.items,
                "rule_set_id": rule_set.pk,
            }
        if progress and (index % 500 == 0 or index == len(candidates)):
            progress.advance(index - reported)
            reported = index
    with transaction.atomic():
        counts = _proposals_sync(trigger=ProposalTrigger.YEAR_END, key=str(year), desired=desired)
    counts["candidates"] = len(candidates)
    return counts


def run_code_yearend(*, year: int, user=None, on_progress=None) -> dict[str, int]:
    """The year-end job (command and Celery task): recorded as a job run with its counts."""
    from core.jobs import job_run

    with job_run(job="code_yearend", key=str(year), user=user, on_progress=on_progress) as progress:
        counts = code_yearend_propose(year=year, progress=progress)
        progress.run.counts = counts
        progress.run.message = (
            f"{counts['candidates']} 个包月代码参与判断；建议新增 {counts['created']}、更新 {counts['updated']}、"
            f"删除 {counts['deleted']}、不变 {counts['unchanged']}"
        )
    return counts
