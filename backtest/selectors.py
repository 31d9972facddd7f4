"""Reads of the back-test: the results of some months as plain values, and the reports of a rule set."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet, Sum

from core.choices import ApprovalStatus
from credit.choices import SanctionCode
from credit.models import MonthlyCreditScore
from credit.rules import grade_sanction_codes
from enforcement.choices import RestrictedAction
from overrides.choices import OverrideKind
from overrides.models import DecisionOverride
from overrides.registry import describe
from scoring.models import MonthlyAssessment, MonthlyWarning, PenaltyProposal, RuleSet
from scoring.rules import fmt_duration
from scoring.selectors import rule_book_for
from settlement.models import SettlementStatement

from .models import BacktestReport, BacktestRow

Key = tuple[int, str, dt.date]  # partner_id, cooperation_type, month


def _points_by(items, key_field: str) -> dict[str, Decimal]:
    """Σ points of a breakdown per rule id (or per credit item), so lines that moved can be listed."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in items or []:
        points = item.get("points")
        if points is None:
            continue
        totals[str(item.get(key_field) or item.get("rule") or "")] += Decimal(str(points))
    return dict(totals)


def month_results(*, months: list[dt.date]) -> dict[Key, dict]:
    """The stored results of ``months`` per partner × cooperation type × month, as plain values (what a
    back-test compares): assessment total and items, warning level, the warning measures of the highest
    pending or approved proposal, settlement amount due, the partner's credit score, grade, items and grade
    sanctions. A fixed number of queries whatever the number of partners."""
    results: dict[Key, dict] = {}

    def row(key: Key) -> dict:
        return results.setdefault(key, {"score": None, "assessment_items": {}, "warning_level": 0,
                                        "payout": None, "warning_measures": []})

    for a in MonthlyAssessment.objects.filter(month__in=months).values(
        "partner_id", "cooperation_type", "month", "total", "items"
    ):
        entry = row((a["partner_id"], a["cooperation_type"], a["month"]))
        entry["score"] = a["total"]
        entry["assessment_items"] = _points_by(a["items"], "rule")
    for w in MonthlyWarning.objects.filter(month__in=months).values(
        "partner_id", "cooperation_type", "month", "level"
    ):
        row((w["partner_id"], w["cooperation_type"], w["month"]))["warning_level"] = w["level"]
    for s in (SettlementStatement.objects.filter(month__in=months)
              .values("partner_id", "cooperation_type", "month").annotate(due=Sum("amount_due"))):
        row((s["partner_id"], s["cooperation_type"], s["month"]))["payout"] = s["due"]
    top: dict[Key, tuple[int, list]] = {}
    for p in PenaltyProposal.objects.filter(month__in=months, superseded_by__isnull=True).values(
        "partner_id", "cooperation_type", "month", "level", "measures"
    ):
        key = (p["partner_id"], p["cooperation_type"], p["month"])
        if key not in top or p["level"] > top[key][0]:
            top[key] = (p["level"], p["measures"])
    for key, (level, measures) in top.items():
        row(key)["warning_measures"] = [
            f"预警{level}级：{RestrictedAction(m['action']).label} {fmt_duration(m['duration'])}"
            for m in measures if m.get("duration")
        ]

    books: dict[int, object] = {}
    credit: dict[tuple[int, dt.date], dict] = {}
    for c in MonthlyCreditScore.objects.filter(month__in=months).values(
        "partner_id", "month", "score", "grade", "items", "rule_set_id"
    ):
        if c["rule_set_id"] not in books:
            books[c["rule_set_id"]] = rule_book_for(RuleSet.objects.get(pk=c["rule_set_id"]))
        sanctions = grade_sanction_codes(c["grade"], books[c["rule_set_id"]])
        credit[(c["partner_id"], c["month"])] = {
            "credit_score": c["score"], "grade": c["grade"], "credit_items": _points_by(c["items"], "item"),
            "grade_sanctions": [f"信用{c['grade']}级：{_sanction_label(code)}" for code in sanctions],
        }
    typed_partners = {(key[0], key[2]) for key in results}
    for (partner_id, month) in credit:
        if (partner_id, month) not in typed_partners:
            row((partner_id, "", month))
    for key, entry in results.items():
        entry.update(credit.get((key[0], key[2]), {"credit_score": None, "grade": "", "credit_items": {},
                                                     "grade_sanctions": []}))
    return results


def overrides_in_force_for_months(*, months: list[dt.date]) -> dict[tuple[int, str, dt.date], list[str]]:
    """``{(partner_id, cooperation_type, month): [line]}`` of the overrides in force in ``months`` — a credit
    sanction's (no cooperation type) under ``(partner_id, "", month)``: the diff says which decisions staff
    overrode (docs/overrides.md). One query."""
    lines: dict[tuple[int, str, dt.date], list[str]] = defaultdict(list)
    in_force = DecisionOverride.objects.filter(month__in=months, status=ApprovalStatus.APPROVED,
                                               superseded_at__isnull=True)
    for o in in_force.select_related("created_by").order_by("kind", "item", "pk"):
        lines[(o.partner_id, o.cooperation_type, o.month)].append(
            f"{OverrideKind(o.kind).label} {o.item}：{describe(o.kind, o.automatic_current) or '—'} → "
            f"{describe(o.kind, o.value)}（{o.created_by.username}：{o.reason}）"
        )
    return dict(lines)


def _sanction_label(code: str) -> str:
    try:
        return str(SanctionCode(code).label)
    except ValueError:
        return code


def latest_backtest_report(*, rule_set: RuleSet) -> BacktestReport | None:
    return BacktestReport.objects.filter(rule_set=rule_set).order_by("-created_at", "-pk").first()


def backtest_rows(*, report: BacktestReport) -> QuerySet[BacktestRow]:
    return report.rows.select_related("partner").order_by("month", "partner__code", "cooperation_type")


def rule_entries_of(rule_set: RuleSet) -> dict[str, dict]:
    """``{key: {rule_id, value}}`` of a set, to compare two sets or a set with its state at a back-test."""
    return {e["key"]: {"rule_id": e["rule_id"], "value": e["value"]}
            for e in rule_set.entries.values("key", "rule_id", "value")}
