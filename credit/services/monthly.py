"""The monthly credit-score job (R-K-COMPOSE, R-K-WEIGHTED, R-K-RANGE, R-K-MAJOR)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.choices import ApprovalStatus
from core.jobs import PROTECTED_STATUSES, JobProgress, JobRefused, job_run
from core.months import format_month
from core.rulebook import RuleBook
from overrides.choices import OverrideKind
from overrides.services import overrides_automatic_sync
from scoring.selectors import rule_book_in_force

from .. import selectors
from ..models import MajorViolation, MonthlyCreditScore
from ..rules import compose_monthly, grade_for, points_value, q2, weighted_score

JOB_NAME = "run_credit_scoring"


# --- the monthly job (R-K-COMPOSE, R-K-WEIGHTED, R-K-RANGE, R-K-MAJOR) -------------------------------------------

def _comparable(values: dict[str, Any]) -> tuple:
    """What must not change under an approved or submitted score (detail texts may be reworded)."""
    return (
        q2(values["monthly_score"]),
        q2(values["score"]),
        values["grade"],
        tuple((i.get("item"), i["points"], i["weight"]) for i in values["items"]),
    )


def _major_violation_values(violation: MajorViolation, rule_set, book: RuleBook) -> dict[str, Any]:
    score = q2(book.number("credit_major_violation_score"))
    return {
        "weight_profile": "",
        "monthly_score": score,
        "score": score,
        "grade": grade_for(score, book),
        "items": [{
            "rule": book.rule_id("credit_major_violation_score"),
            "item": "major_violation",
            "name": "重大违规",
            "points": points_value(score),
            "weight": 1.0,
            "detail": f"重大违规（{violation.get_category_display()}，{violation.effective_on:%Y-%m-%d} 决定）"
                      f"信用积分直接置为 {score}",
        }],
        "months": [],
        "rule_set_id": rule_set.pk,
        "major_violation_id": violation.pk,
    }


def credit_scoring_compute(*, month: dt.date) -> dict[int, dict[str, Any]]:
    """The month's credit score for every partner in scope, in memory (no writes)."""
    rule_set, book = rule_book_in_force(on=month)
    facts = selectors.credit_facts_for_month(month=month)
    history = selectors.previous_monthly_scores(month=month, count=len(book.weights("credit_month_weights")) - 1)
    violations = selectors.major_violations_in_force(month=month)
    results = {}
    for partner_id, partner_facts in facts.items():
        if partner_id in violations:
            results[partner_id] = _major_violation_values(violations[partner_id], rule_set, book)
            continue
        monthly = compose_monthly(partner_facts, book)
        score, months = weighted_score(month, [monthly.monthly_score, *history.get(partner_id, [])], book)
        results[partner_id] = {
            "weight_profile": monthly.profile,
            "monthly_score": monthly.monthly_score,
            "score": score,
            "grade": grade_for(score, book),
            "items": monthly.items,
            "months": months,
            "rule_set_id": rule_set.pk,
            "major_violation_id": None,
        }
    return results


FIELDS = ["weight_profile", "monthly_score", "score", "grade", "items", "months", "rule_set_id", "major_violation_id"]


def credit_scoring_run(*, month: dt.date, progress: JobProgress | None = None) -> dict[str, int]:
    """Compute and store the month's draft credit scores; idempotent; refuses to change submitted/approved ones."""
    if month.day != 1:
        raise ValueError(f"month: {month} is not the first day of a month")
    computed = credit_scoring_compute(month=month)
    if progress:
        progress.set_total(len(computed))
    existing = {row.partner_id: row for row in MonthlyCreditScore.objects.filter(month=month)}
    conflicts = []
    for partner_id, row in existing.items():
        if row.status not in PROTECTED_STATUSES or row.major_violation_id:
            continue  # a major-violation decision is authoritative, not a computed result
        new = computed.get(partner_id)
        old = {field: getattr(row, field) for field in FIELDS}
        if new is None or _comparable(new) != _comparable(old):
            conflicts.append(row)
    if conflicts:
        codes = ", ".join(sorted(row.partner.code for row in conflicts[:10]))
        raise JobRefused(
            f"{format_month(month)} 有 {len(conflicts)} 条已提交或已审批的信用积分会被改变（{codes}），拒绝覆盖；"
            f"请先由审批人退回后再计算。"
        )

    now = timezone.now()
    counts = {"partners": len(computed), "created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    to_create, to_update = [], []
    with transaction.atomic():
        for partner_id, values in computed.items():
            row = existing.get(partner_id)
            if row is None:
                to_create.append(MonthlyCreditScore(partner_id=partner_id, month=month, computed_at=now, **values))
                continue
            if row.status in PROTECTED_STATUSES or row.major_violation_id:
                counts["unchanged"] += 1
                continue
            if all(getattr(row, field) == values[field] for field in FIELDS):
                counts["unchanged"] += 1
                continue
            for field, value in values.items():
                setattr(row, field, value)
            row.status, row.computed_at = ApprovalStatus.DRAFT, now
            to_update.append(row)
        stale = [row.pk for pid, row in existing.items()
                 if pid not in computed and row.status not in PROTECTED_STATUSES]
        if stale:
            counts["deleted"] = MonthlyCreditScore.objects.filter(pk__in=stale).delete()[0]
        MonthlyCreditScore.objects.bulk_create(to_create, batch_size=1000)
        MonthlyCreditScore.objects.bulk_update(to_update, [*FIELDS, "status", "computed_at"], batch_size=1000)
    counts["created"], counts["updated"] = len(to_create), len(to_update)
    if progress:
        progress.advance(len(computed))
    return counts


def credit_scoring_job(*, month: dt.date, user=None, on_progress=None) -> dict[str, int]:
    """The monthly credit-score job as the command, the Celery task and the admin run it (a recorded job run)."""
    month = month.replace(day=1)
    with job_run(job=JOB_NAME, key=format_month(month), user=user, on_progress=on_progress) as progress:
        counts = progress.run.counts = credit_scoring_run(month=month, progress=progress)
        # overrides of the month's grade sanctions stay; record where the grade moved under one (docs/overrides.md)
        overrides_automatic_sync(kind=OverrideKind.CREDIT_SANCTION, month=month)
    return counts
