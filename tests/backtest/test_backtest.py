"""Back-test of a draft rule set (issue: change the rules without fear): the real jobs recompute past months with
the draft in force, the report compares before → after, and nothing else in the database changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from backtest.models import BacktestReport
from backtest.services import backtest_job
from core.approval import approval_approve, approval_submit
from core.choices import JobStatus
from core.models import JobRun
from credit.services import credit_scoring_job
from scoring.models import MonthlyAssessment
from scoring.selectors import rule_book_in_force
from scoring.services import (
    daily_notifications_job,
    monthly_assessment_job,
    rule_entry_update,
    rule_set_copy_as_draft,
)
from settlement.services import settlement_job
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import SALES, default_rule_set, make_tickets, set_revenue

pytestmark = pytest.mark.django_db

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 20)
#: R-M-REV moved: <5万 0; [5万,50万) 20; [50万,100万) 30; [100万,200万) 40; ≥200万 50
DRAFT_BRACKETS = {"thresholds": [50000, 500000, 1000000, 2000000], "points": [0, 20, 30, 40, 50], "closed": "left"}
#: every app whose rows a back-test must leave exactly as they were
RESULT_APPS = ("scoring", "credit", "settlement", "enforcement", "controls", "partners", "core")


def month_end_jobs(month):
    day = month
    while day.month == month.month:
        daily_notifications_job(day=day)
        day += dt.timedelta(days=1)
    monthly_assessment_job(month=month)
    credit_scoring_job(month=month)
    settlement_job(month=month)


def database_rows() -> dict:
    """Every row of every result model (each field's value), except the back-test's own run records."""
    rows = {}
    for app in RESULT_APPS:
        for model in apps.get_app_config(app).get_models():
            queryset = model.objects.all().order_by("pk")
            if model._meta.label == "core.JobRun":
                queryset = queryset.exclude(job="run_backtest")
            rows[model._meta.label] = [
                {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} for obj in queryset
            ]
    return rows


@pytest.fixture
def two_published_months(staff_user, division_leader):
    big = PartnerFactory(code="BIG", name="大收入公司")
    small = PartnerFactory(code="SMALL", name="小收入公司")
    tiny = PartnerFactory(code="TINY", name="微收入公司")
    for partner in (big, small, tiny):
        ContractFactory(partner=partner, start_date=dt.date(2025, 1, 1))
    for month in (SEP, OCT):
        set_revenue(big, month, 1500000)  # 150万
        set_revenue(small, month, 200000)  # 20万
        set_revenue(tiny, month, 30000)  # 3万
    make_tickets(small, OCT.replace(day=9), 12)  # notified in October (R-D-NOTIFY)
    for month in (SEP, OCT):
        month_end_jobs(month)
    september_big = MonthlyAssessment.objects.get(partner=big, month=SEP)
    approval_submit(obj=september_big, actor=staff_user)
    approval_approve(obj=september_big, actor=division_leader)
    draft = rule_set_copy_as_draft(source=default_rule_set(), actor=staff_user)
    rule_entry_update(entry=draft.entries.get(key="revenue_score_brackets"), value=DRAFT_BRACKETS, actor=staff_user)
    return draft


def rows_by(report):
    return {(r.partner.code, r.cooperation_type, r.month): r for r in report.rows.select_related("partner")}


def test_r_m_rev_backtest_of_moved_brackets_two_months_leaves_published_results_unchanged(two_published_months):
    draft = two_published_months
    _, book = rule_book_in_force(on=OCT)
    assert book.rule_id("revenue_score_brackets") == "R-M-REV"
    before = database_rows()

    counts = backtest_job(rule_set=draft, months=[SEP, OCT], today=TODAY)

    assert database_rows() == before  # published and draft results byte for byte unchanged
    report = BacktestReport.objects.get(pk=counts["report"])
    assert (report.month_from, report.month_to, report.baseline_version) == (SEP, OCT, 1)
    assert report.entry_changes == [{"key": "revenue_score_brackets", "rule_id": "R-M-REV",
                                     "before": book.param("revenue_score_brackets").value, "after": DRAFT_BRACKETS}]
    rows = rows_by(report)
    published = {(a.partner.code, a.month): a.total for a in MonthlyAssessment.objects.select_related("partner")}
    # (partner, month): revenue points before → after (R-M-REV), default brackets → draft brackets
    expected = {("BIG", SEP): (30, 40), ("BIG", OCT): (30, 40), ("SMALL", SEP): (10, 20), ("SMALL", OCT): (10, 20),
                ("TINY", SEP): (0, 0), ("TINY", OCT): (0, 0)}
    for (code, month), (points_before, points_after) in expected.items():
        row = rows[(code, SALES, month)]
        assert row.score_before == published[(code, month)]
        assert row.score_after - row.score_before == points_after - points_before
        moved = [m for m in row.moved_items if m["rule"] == "R-M-REV"]
        if points_before == points_after:
            assert moved == []
        else:
            assert moved == [{"source": "月度考核", "rule": "R-M-REV", "before": str(points_before),
                              "after": str(points_after)}]
        assert row.grade_before == row.grade_after != ""  # the credit score does not read R-M-REV
        assert row.payout_before == row.payout_after
    assert (rows[("BIG", SALES, SEP)].score_before, rows[("BIG", SALES, SEP)].score_after) == (
        Decimal("80.00"), Decimal("90.00"))
    assert rows[("SMALL", SALES, OCT)].warning_level_before == rows[("SMALL", SALES, OCT)].warning_level_after
    assert report.summary["score_changed"] == 4
    assert report.summary["partners_grade_changed"] == 0
    assert report.summary["payout_change"] == "0.00"
    histogram = {(b["from"], b["to"]): (b["before"], b["after"]) for b in report.score_histogram}
    assert sum(n[0] for n in histogram.values()) == sum(n[1] for n in histogram.values()) == 6


def test_backtest_twice_gives_the_same_report_rows(two_published_months):
    draft = two_published_months
    first = backtest_job(rule_set=draft, months=[SEP, OCT], today=TODAY)
    second = backtest_job(rule_set=draft, months=[SEP, OCT], today=TODAY)
    fields = ["partner_id", "cooperation_type", "month", "score_before", "score_after", "grade_before",
              "grade_after", "payout_before", "payout_after", "moved_items", "restrictions_before",
              "restrictions_after"]
    assert (list(BacktestReport.objects.get(pk=first["report"]).rows.values(*fields))
            == list(BacktestReport.objects.get(pk=second["report"]).rows.values(*fields)))


def test_backtest_refuses_an_active_set_and_unfinished_months(staff_user):
    draft = rule_set_copy_as_draft(source=default_rule_set(), actor=staff_user)
    with pytest.raises(ValidationError, match="只能回测草稿规则集"):
        backtest_job(rule_set=default_rule_set(), months=[SEP], today=TODAY)
    with pytest.raises(ValidationError, match="只能回测已结束的月份"):
        backtest_job(rule_set=draft, months=[dt.date(2026, 11, 1)], today=TODAY)
    rule_entry_update(entry=draft.entries.get(key="revenue_score_brackets"), value=DRAFT_BRACKETS, actor=staff_user)
    draft.entries.filter(key="notify_threshold").delete()
    with pytest.raises(ValidationError, match="缺少参数 notify_threshold"):
        backtest_job(rule_set=draft, months=[SEP], today=TODAY)
    assert not BacktestReport.objects.exists()


def test_run_backtest_command(two_published_months, capsys):
    call_command("run_backtest", "--rule-set", str(two_published_months.version), "--from", "2026-10",
                 "--to", "2026-10", verbosity=0)
    assert "回测报告" in capsys.readouterr().out
    report = BacktestReport.objects.get()
    assert (report.month_from, report.month_to) == (OCT, OCT)
    assert sorted(r.partner.code for r in report.rows.filter(changed=True)) == ["BIG", "SMALL"]
    assert JobRun.objects.filter(job="run_backtest", status=JobStatus.SUCCEEDED).count() == 1
