"""Back-test a draft rule set over past months, and activate a rule set through approval.

How a back-test works, and why this way: the real month-end jobs (the one-pass month end of notifications,
warnings, penalty proposals and the monthly assessment, then credit scoring and settlement) run unchanged inside
one database transaction, with the draft forced as the set in force for the back-tested months
(``scoring.selectors.rule_set_in_force_override``); the results are read out as plain values and the
transaction is rolled back. So the back-test is the jobs' own set-based code — there is no second
implementation to drift from them — and nothing it computed survives except the report. Inside that
transaction the months' submitted and approved results are first set back to draft, since a job refuses to
change a protected result and a back-test is precisely the question “what would have changed”; that too is
rolled back. Rows decided by a major violation stay as they are (decisions, not results).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import raw_delete
from core.choices import PROTECTED_STATUSES, ApprovalStatus
from core.jobs import job_run
from core.months import add_months, format_month, month_end, previous_month
from credit.models import MonthlyCreditScore
from credit.services import credit_scoring_job
from scoring.choices import RuleSetStatus
from scoring.models import MonthlyAssessment, PenaltyProposal, RuleSet
from scoring.selectors import NoRuleSetInForce, rule_set_in_force, rule_set_in_force_override
from scoring.services import month_end_job, rule_set_activate, rule_set_problems
from settlement.models import SettlementStatement
from settlement.services import settlement_job

from .models import BacktestReport, BacktestRow, RuleSetActivationRequest
from .selectors import latest_backtest_report, month_results, overrides_in_force_for_months, rule_entries_of

JOB_NAME = "run_backtest"
#: credit scores that stay when a back-test clears a month's drafts: decided by a major violation, or pointed to
#: by a sanction (PROTECT)
CREDIT_ROWS_REFERENCED = (Q(major_violation__isnull=False) | Q(sanctions__isnull=False)
                          | Q(replaced_sanctions__isnull=False))
#: width of a bar of the score distribution chart (assessment points)
HISTOGRAM_STEP = Decimal("10")


def backtest_months(*, month_from: dt.date, month_to: dt.date) -> list[dt.date]:
    months, month = [], month_from.replace(day=1)
    while month <= month_to.replace(day=1):
        months.append(month)
        month = add_months(month, 1)
    return months


def _validate(rule_set: RuleSet, months: list[dt.date], today: dt.date) -> None:
    if rule_set.status == RuleSetStatus.ACTIVE:
        raise ValidationError({"rule_set": f"规则集 v{rule_set.version} 已生效；只能回测草稿规则集。"})
    if not months:
        raise ValidationError({"months": "请至少选择一个回测月份。"})
    last_complete = previous_month(today)
    if months[-1] > last_complete:
        raise ValidationError({"months": f"只能回测已结束的月份（最晚 {format_month(last_complete)}），"
                                         f"{format_month(months[-1])} 尚未结束。"})
    problems = rule_set_problems(rule_set)
    if problems:
        raise ValidationError({"rule_set": [f"规则集 v{rule_set.version} 有误，不能回测：{p}" for p in problems]})


def _release_protected(months: list[dt.date]) -> None:
    """Inside the rolled-back transaction only: the months' (and later months') protected results become drafts,
    so the jobs recompute them instead of refusing."""
    since = months[0]
    released = {"status": ApprovalStatus.DRAFT}
    MonthlyAssessment.objects.filter(month__gte=since, status__in=PROTECTED_STATUSES).update(**released)
    PenaltyProposal.objects.filter(month__gte=since, status__in=PROTECTED_STATUSES).update(**released)
    MonthlyCreditScore.objects.filter(month__gte=since, status__in=PROTECTED_STATUSES,
                                      major_violation__isnull=True).update(**released)
    SettlementStatement.objects.filter(month__gte=since, status__in=PROTECTED_STATUSES).update(**released)


def _clear_month_drafts(model, month: dt.date, keep: Q | None = None) -> None:
    """Inside the rolled-back transaction only: the month's draft rows of ``model`` go before its job runs, so
    the job takes its insert path (``bulk_create``) rather than rewriting every row through Django's
    ``bulk_update`` (a ``CASE`` per row and field: ≈25 s for 1,000 settlement statements whose rule set — the
    draft — differs). The job computes each row from its inputs and the previous months' rows, never from the
    row it replaces, so the figures are the same. Rows something else points to are kept (``keep``). Deleted
    without signals (``raw_delete``): a history row per deleted draft, rolled back with the rest, was half the
    back-test's time."""
    queryset = model.objects.filter(month=month, status=ApprovalStatus.DRAFT)
    if keep is not None:
        queryset = queryset.exclude(keep)
    raw_delete(queryset)


def _recompute(rule_set: RuleSet, months: list[dt.date], progress) -> dict:
    """Run the real jobs with the draft in force and return their results; everything is rolled back."""
    with transaction.atomic():
        _release_protected(months)
        with rule_set_in_force_override(rule_set=rule_set, start=months[0], end=month_end(months[-1])):
            for month in months:
                # the month's notifications, warnings, proposals and assessment in one pass: the rows 31 daily
                # runs and the assessment job leave (scoring.services.month_end, parity tested)
                month_end_job(month=month)
                progress.advance(2)
                _clear_month_drafts(MonthlyCreditScore, month, keep=CREDIT_ROWS_REFERENCED)
                credit_scoring_job(month=month)
                progress.advance()
                _clear_month_drafts(SettlementStatement, month)
                settlement_job(month=month)
                progress.advance()
            after = month_results(months=months)
        transaction.set_rollback(True)
    return after


def _entry_changes(baseline: RuleSet | None, draft_entries: dict[str, dict]) -> list[dict]:
    before = rule_entries_of(baseline) if baseline else {}
    changes = []
    for key in sorted(set(before) | set(draft_entries)):
        old, new = before.get(key), draft_entries.get(key)
        if old is None or new is None or old["value"] != new["value"]:
            changes.append({"key": key, "rule_id": (new or old)["rule_id"],
                            "before": old["value"] if old else None, "after": new["value"] if new else None})
    return changes


def _moved(source: str, before: dict, after: dict) -> list[dict]:
    return [{"source": source, "rule": name, "before": str(before[name]) if name in before else None,
             "after": str(after[name]) if name in after else None}
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


EMPTY = {"score": None, "assessment_items": {}, "warning_level": 0, "payout": None, "warning_measures": [],
         "credit_score": None, "grade": "", "credit_items": {}, "grade_sanctions": []}


def _row(report: BacktestReport, key, before: dict, after: dict) -> BacktestRow:
    partner_id, cooperation_type, month = key
    moved = _moved("月度考核", before["assessment_items"], after["assessment_items"]) + _moved(
        "信用积分", before["credit_items"], after["credit_items"])
    row = BacktestRow(
        report=report, partner_id=partner_id, cooperation_type=cooperation_type, month=month,
        score_before=before["score"], score_after=after["score"],
        score_change=(after["score"] or 0) - (before["score"] or 0),
        warning_level_before=before["warning_level"], warning_level_after=after["warning_level"],
        credit_score_before=before["credit_score"], credit_score_after=after["credit_score"],
        grade_before=before["grade"], grade_after=after["grade"],
        payout_before=before["payout"], payout_after=after["payout"],
        payout_change=(after["payout"] or 0) - (before["payout"] or 0),
        restrictions_before=before["warning_measures"] + before["grade_sanctions"],
        restrictions_after=after["warning_measures"] + after["grade_sanctions"],
        moved_items=moved,
    )
    row.grade_changed = row.grade_before != row.grade_after
    row.warning_changed = row.warning_level_before != row.warning_level_after
    row.payout_changed = row.payout_before != row.payout_after
    row.changed = bool(row.grade_changed or row.warning_changed or row.payout_changed or moved
                       or row.score_before != row.score_after or row.restrictions_before != row.restrictions_after)
    return row


def _histogram(rows: list[BacktestRow]) -> list[dict]:
    def bucket(score):
        return int((score // HISTOGRAM_STEP) * HISTOGRAM_STEP)

    counts: dict[int, list[int]] = {}
    for row in rows:
        for side, score in ((0, row.score_before), (1, row.score_after)):
            if score is not None:
                counts.setdefault(bucket(score), [0, 0])[side] += 1
    return [{"from": low, "to": low + int(HISTOGRAM_STEP), "before": n[0], "after": n[1]}
            for low, n in sorted(counts.items())]


def _summary(rows: list[BacktestRow]) -> dict:
    def partners(flag: str) -> int:
        return len({row.partner_id for row in rows if getattr(row, flag)})

    payout_before = sum((row.payout_before or Decimal("0") for row in rows), Decimal("0.00"))
    payout_after = sum((row.payout_after or Decimal("0") for row in rows), Decimal("0.00"))
    return {
        "rows": len(rows), "rows_changed": sum(1 for row in rows if row.changed),
        "score_changed": sum(1 for row in rows if row.score_before != row.score_after),
        "partners_grade_changed": partners("grade_changed"),
        "partners_warning_changed": partners("warning_changed"),
        "partners_payout_changed": partners("payout_changed"),
        "payout_before": str(payout_before), "payout_after": str(payout_after),
        "payout_change": str(payout_after - payout_before),
    }


def backtest_job(*, rule_set: RuleSet, months, user=None, on_progress=None, today: dt.date | None = None) -> dict:
    """Back-test ``rule_set`` (a draft) over ``months`` (any dates in the months; a contiguous range from the
    first to the last is tested) and keep the comparison as a ``BacktestReport``; returns its counts. Published
    and draft results are left exactly as they were."""
    today = today or timezone.localdate()
    months = sorted({m.replace(day=1) for m in months})
    if months:
        months = backtest_months(month_from=months[0], month_to=months[-1])
    _validate(rule_set, months, today)
    key = f"v{rule_set.version}:{format_month(months[0])}..{format_month(months[-1])}"
    with job_run(job=JOB_NAME, key=key, user=user, on_progress=on_progress) as progress:
        progress.set_total(4 * len(months) + 1)
        try:
            baseline = rule_set_in_force(on=month_end(months[-1]))
        except NoRuleSetInForce:
            baseline = None
        draft_entries = rule_entries_of(rule_set)
        overridden = overrides_in_force_for_months(months=months)
        before = month_results(months=months)
        after = _recompute(rule_set, months, progress)
        with transaction.atomic():
            report = BacktestReport.objects.create(
                rule_set=rule_set, baseline_version=baseline.version if baseline else None,
                month_from=months[0], month_to=months[-1], draft_entries=draft_entries,
                entry_changes=_entry_changes(baseline, draft_entries),
                created_by=user if getattr(user, "pk", None) else None,
            )
            rows = [_row(report, k, before.get(k, EMPTY), after.get(k, EMPTY))
                    for k in sorted(set(before) | set(after), key=lambda k: (k[2], k[0], k[1]))]
            for row in rows:  # a row whose decision is overridden says so (its own type's and the partner's credit)
                row.overrides = overridden.get((row.partner_id, row.cooperation_type, row.month), []) + (
                    overridden.get((row.partner_id, "", row.month), []) if row.cooperation_type else [])
                row.overridden = bool(row.overrides)
            BacktestRow.objects.bulk_create(rows, batch_size=2000)
            report.summary = _summary(rows)
            report.score_histogram = _histogram(rows)
            report.save(update_fields=["summary", "score_histogram"])
        progress.advance()
        counts = {"report": report.pk, **report.summary}
        progress.run.counts = counts
    return counts


# --- activation through approval ------------------------------------------------------------------------------


def backtest_coverage_problems(*, rule_set: RuleSet, today: dt.date | None = None) -> list[str]:
    """Why ``rule_set`` may not be activated yet for want of a back-test: its latest report must cover the last
    complete month and match the set's entries as they are now (empty list when it does)."""
    last = previous_month(today or timezone.localdate())
    report = latest_backtest_report(rule_set=rule_set)
    if report is None:
        return [f"规则集 v{rule_set.version} 尚未回测：启用前须至少回测上一个完整月份（{format_month(last)}）。"]
    if not report.month_from <= last <= report.month_to:
        return [f"规则集 v{rule_set.version} 的最新回测报告 #{report.pk} 覆盖 {format_month(report.month_from)}"
                f"–{format_month(report.month_to)}，未包括上一个完整月份 {format_month(last)}；请重新回测。"]
    current = rule_entries_of(rule_set)
    if current != report.draft_entries:
        edited = sorted(k for k in set(current) | set(report.draft_entries)
                        if current.get(k) != report.draft_entries.get(k))
        return [f"规则集 v{rule_set.version} 在回测报告 #{report.pk} 之后又被修改（{'、'.join(edited)}）；"
                f"请重新回测。"]
    return []


@transaction.atomic
def rule_set_activation_request(*, rule_set: RuleSet, effective_from: dt.date, actor=None, note: str = "",
                                today: dt.date | None = None) -> RuleSetActivationRequest:
    """A draft activation request citing the set's latest back-test; refused (nothing written) without a
    back-test of the last complete month or when the set is not a valid draft."""
    if not rule_set.is_editable:
        raise ValidationError({"rule_set": f"规则集 v{rule_set.version} 不是可启用的草稿。"})
    problems = rule_set_problems(rule_set) + backtest_coverage_problems(rule_set=rule_set, today=today)
    if problems:
        raise ValidationError({"rule_set": problems})
    if effective_from is None:
        raise ValidationError({"effective_from": "请填写生效日期。"})
    return RuleSetActivationRequest.objects.create(
        rule_set=rule_set, effective_from=effective_from, report=latest_backtest_report(rule_set=rule_set),
        note=note, created_by=actor if getattr(actor, "pk", None) else None,
    )


def rule_set_activation_problems(*, obj: RuleSetActivationRequest, action: str) -> list[str]:
    if action == "return":
        return []
    return backtest_coverage_problems(rule_set=obj.rule_set)


def rule_set_activation_approved(*, obj: RuleSetActivationRequest, actor) -> None:
    """Approval activates the set (inside the approval transaction) and records the report it cited."""
    obj.report = latest_backtest_report(rule_set=obj.rule_set)
    obj.save(update_fields=["report"])
    rule_set_activate(rule_set=obj.rule_set, effective_from=obj.effective_from, actor=actor)
