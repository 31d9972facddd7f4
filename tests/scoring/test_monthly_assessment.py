"""The monthly assessment job (R-M-*): who is assessed, the numbers from the database, once-only upgrades,
idempotence and the refusal to overwrite approved results (R-M-APPROVAL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from core.approval import approval_approve, approval_return, approval_submit
from core.choices import ApprovalStatus, JobStatus
from core.jobs import JobRefused
from core.models import JobRun
from partners.choices import ComplaintCategory
from scoring.models import MonthlyAssessment, UpgradedComplaintInclusion
from scoring.services import monthly_assessment_job, monthly_assessment_run
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import JOINT, SALES, make_tickets, set_contribution, set_revenue

pytestmark = pytest.mark.django_db

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def assessed(month=OCT):
    return {
        (a.partner.code, a.cooperation_type): a
        for a in MonthlyAssessment.objects.filter(month=month).select_related("partner", "rule_set")
    }


def approve(assessment, staff_user, division_leader):
    approval_submit(obj=assessment, actor=staff_user)
    return approval_approve(obj=assessment, actor=division_leader)


@pytest.mark.parametrize(
    ("contract", "revenue", "tickets", "is_assessed"),
    [
        ((dt.date(2026, 1, 1), None), False, False, True),  # contract active, no data: assessed
        ((dt.date(2026, 10, 31), None), False, False, True),  # contract starts on the month's last day
        ((dt.date(2025, 1, 1), dt.date(2026, 10, 1)), False, False, True),  # ends on the month's first day
        ((dt.date(2025, 1, 1), dt.date(2026, 9, 30)), False, False, False),  # ended before the month
        ((dt.date(2026, 11, 1), None), False, False, False),  # starts after the month
        (None, True, False, True),  # revenue without a contract
        (None, False, True, True),  # complaints without a contract
        (None, False, False, False),
    ],
)
def test_r_m_period_who_is_assessed(contract, revenue, tickets, is_assessed):
    partner = PartnerFactory(code="M1")
    if contract:
        ContractFactory(partner=partner, start_date=contract[0], end_date=contract[1])
    if revenue:
        set_revenue(partner, OCT, 50000)
    if tickets:
        make_tickets(partner, OCT.replace(day=20), 1, category=ComplaintCategory.OTHER)
    monthly_assessment_run(month=OCT)
    assert (("M1", SALES) in assessed()) is is_assessed


def test_r_m_period_one_result_per_partner_and_cooperation_type():
    partner = PartnerFactory(code="M1")
    ContractFactory(partner=partner, cooperation_type=SALES)
    ContractFactory(partner=partner, cooperation_type=JOINT)
    set_revenue(partner, OCT, 3000000, cooperation_type=SALES)
    monthly_assessment_run(month=OCT)
    results = assessed()
    assert set(results) == {("M1", SALES), ("M1", JOINT)}
    assert results[("M1", SALES)].revenue_score == 50 and results[("M1", JOINT)].revenue_score == 0


@pytest.mark.parametrize(
    ("revenue", "tickets", "revenue_score", "health_score"),
    [
        ("99999.99", 0, 0, 50),
        ("100000", 10, 10, 50),  # exactly 10万 → 10; ratio exactly 1 → 50
        ("100000", 11, 10, 40),
        ("3000000", 1500, 50, 10),  # exactly 300万 → 50; ratio exactly 5 → 10
        ("3000000", 1501, 50, 0),
        ("5000", 1, 0, 50),  # floor: 1 × 10000 / 10000 = 1
    ],
)
def test_r_m_rev_and_r_m_health_from_the_database(revenue, tickets, revenue_score, health_score):
    partner = PartnerFactory(code="M1")
    set_revenue(partner, OCT, revenue)
    make_tickets(partner, OCT.replace(day=31), tickets)
    make_tickets(partner, SEP.replace(day=30), 50)  # previous month: not counted
    make_tickets(partner, OCT.replace(day=1), 50, category=ComplaintCategory.OTHER)  # not unknowing-subscription
    monthly_assessment_run(month=OCT)
    result = assessed()[("M1", SALES)]
    assert (result.revenue, result.complaint_count) == (Decimal(revenue), tickets)
    assert (result.revenue_score, result.health_score) == (revenue_score, health_score)


@pytest.mark.parametrize(
    ("start", "flag", "revenue_score"),
    [
        (dt.date(2026, 5, 15), True, 50),  # October is month 6
        (dt.date(2026, 4, 15), True, 0),  # October is month 7
        (dt.date(2026, 10, 2), True, 50),  # month 1
        (dt.date(2026, 8, 1), False, 0),  # no incubation flag on the contract
    ],
)
def test_r_m_incub_from_the_contract_flag_and_start_month(start, flag, revenue_score):
    ContractFactory(partner=PartnerFactory(code="M1"), start_date=start, incubation=flag)
    monthly_assessment_run(month=OCT)
    result = assessed()[("M1", SALES)]
    assert result.revenue_score == revenue_score and result.incubation is (revenue_score == 50)


@pytest.mark.parametrize(("cooperation_type", "bonus"), [(SALES, 15), (JOINT, 5)])
def test_r_m_ads_and_r_m_bonus_from_contributions(cooperation_type, bonus):
    partner = PartnerFactory(code="M1")
    set_contribution(partner, OCT, cooperation_type=cooperation_type, cash_contribution=Decimal("100000"),
                     ad_sales=Decimal("300000"))
    ContractFactory(partner=partner, cooperation_type=cooperation_type)
    monthly_assessment_run(month=OCT)
    assert assessed()[("M1", cooperation_type)].bonus_score == bonus


def test_r_m_nodouble_from_contributions():
    partner = PartnerFactory(code="M1")
    ContractFactory(partner=partner)
    set_contribution(partner, OCT, marketing_resources=True, marketing_includes_client_promotion=True,
                     active_users=400000)
    monthly_assessment_run(month=OCT)
    result = assessed()[("M1", SALES)]
    assert result.bonus_score == 20
    assert [e["points"] for e in result.items if e["rule"] == "R-M-NODOUBLE"] == [-10]


def set_default_entry(key, value):
    """Change one entry of the default rule set in place (the set the tests' months fall under)."""
    from scoring.models import RuleEntry
    from scoring.selectors import clear_rule_book_cache

    RuleEntry.objects.filter(rule_set__version=1, key=key).update(value={"value": value})
    clear_rule_book_cache()


@pytest.mark.parametrize(("each_failure_counts", "occurrences"), [(True, 7), (False, 6)])
def test_r_m_ded_counts_each_occurrence_a_ticket_late_and_below_standard_twice(each_failure_counts, occurrences):
    """R-M-DED: 投诉工单处理延时或处理品质不达标 1 次扣 1 分 — per occurrence: 2 late + 3 below standard + 1 both
    (2 occurrences) = 7 → −7; the rule set may count a ticket with both failures once (→ 6)."""
    set_default_entry("deduction_each_failure_counts", each_failure_counts)
    partner = PartnerFactory(code="M1")
    set_revenue(partner, OCT, 3000000)
    make_tickets(partner, OCT.replace(day=3), 2, handled_late=True)
    make_tickets(partner, OCT.replace(day=4), 3, quality_failed=True, category=ComplaintCategory.OTHER)
    make_tickets(partner, OCT.replace(day=5), 1, handled_late=True, quality_failed=True)
    make_tickets(partner, SEP.replace(day=5), 4, handled_late=True, quality_failed=True)
    monthly_assessment_run(month=OCT)
    result = assessed()[("M1", SALES)]
    assert (result.late_or_quality_count, result.deduction_score, result.total) == (
        occurrences, occurrences, 100 - occurrences)
    line = next(e for e in result.items if e["rule"] == "R-M-DED" and "品质" in e["detail"])
    assert line["points"] == -occurrences and f"{occurrences} 次" in line["detail"]


# (grace days, day in November the upgrade was received, month whose assessment counts it)
GRACE = [(0, 1, NOV), (5, 3, OCT), (5, 5, OCT), (5, 6, NOV), (0, 30, NOV)]


@pytest.mark.parametrize(("grace", "day", "counted_in"), GRACE, ids=[f"grace{g}-11-{d:02d}" for g, d, _ in GRACE])
def test_r_m_upgrade_once_grace_days_after_month_end_never_twice(grace, day, counted_in):
    """R-M-UPGRADE-ONCE: 以最近收到且未纳入上次月度考核的数据为准 — with a grace of N days (default 0) an upgrade
    received up to N days after month end counts in that month's assessment, and never again in the next."""
    set_default_entry("upgrade_grace_days", grace)
    partner = PartnerFactory(code="M1")
    ContractFactory(partner=partner)
    make_tickets(partner, OCT.replace(day=20), 1, upgraded_on=NOV.replace(day=day))
    monthly_assessment_run(month=OCT)
    monthly_assessment_run(month=NOV)
    counts = {month: assessed(month)[("M1", SALES)].upgraded_count for month in (OCT, NOV)}
    assert counts == {OCT: int(counted_in == OCT), NOV: int(counted_in == NOV)}
    assert UpgradedComplaintInclusion.objects.get().month == counted_in


def test_r_m_upgrade_once_grace_upgrade_after_approval_is_carried_into_the_next_month(staff_user, division_leader):
    """With a grace of 5 days, an upgrade received on 11-03 after October was already approved counts in November."""
    set_default_entry("upgrade_grace_days", 5)
    partner = PartnerFactory(code="M1")
    ContractFactory(partner=partner)
    monthly_assessment_run(month=OCT)
    approve(assessed()[("M1", SALES)], staff_user, division_leader)
    make_tickets(partner, OCT.replace(day=20), 1, upgraded_on=NOV.replace(day=3))
    monthly_assessment_run(month=NOV)
    assert assessed(NOV)[("M1", SALES)].upgraded_count == 1
    assert UpgradedComplaintInclusion.objects.get().month == NOV


def test_r_m_upgrade_once_counts_in_the_month_the_upgrade_was_received():
    partner = PartnerFactory(code="M1")
    ContractFactory(partner=partner)
    set_revenue(partner, SEP, 3000000)
    set_revenue(partner, OCT, 3000000)
    make_tickets(partner, SEP.replace(day=20), 2, upgraded_on=OCT.replace(day=3))
    monthly_assessment_run(month=SEP)
    monthly_assessment_run(month=OCT)
    assert assessed(SEP)[("M1", SALES)].upgraded_count == 0
    october = assessed(OCT)[("M1", SALES)]
    assert (october.upgraded_count, october.deduction_score, october.total) == (2, 20, 80)
    assert UpgradedComplaintInclusion.objects.filter(assessment=october).count() == 2
    monthly_assessment_run(month=OCT)
    monthly_assessment_run(month=NOV)
    assert UpgradedComplaintInclusion.objects.count() == 2
    assert assessed(NOV)[("M1", SALES)].upgraded_count == 0


def test_r_m_upgrade_once_never_twice_even_when_the_upgrade_date_is_corrected(staff_user, division_leader):
    partner = PartnerFactory(code="M1")
    set_revenue(partner, OCT, 3000000)
    set_revenue(partner, NOV, 3000000)
    [ticket] = make_tickets(partner, OCT.replace(day=2), 1, upgraded_on=OCT.replace(day=28))
    monthly_assessment_run(month=OCT)
    approve(assessed()[("M1", SALES)], staff_user, division_leader)
    ticket.upgraded_on = NOV.replace(day=2)
    ticket.save()
    monthly_assessment_run(month=NOV)
    assert assessed(NOV)[("M1", SALES)].upgraded_count == 0
    assert UpgradedComplaintInclusion.objects.get().month == OCT


def test_r_m_upgrade_once_late_upgrade_after_approval_is_carried_into_the_next_month(staff_user, division_leader):
    partner = PartnerFactory(code="M1")
    set_revenue(partner, OCT, 3000000)
    monthly_assessment_run(month=OCT)
    approve(assessed()[("M1", SALES)], staff_user, division_leader)
    make_tickets(partner, OCT.replace(day=2), 1, upgraded_on=OCT.replace(day=30))  # imported after approval
    with pytest.raises(JobRefused):
        monthly_assessment_run(month=OCT)
    monthly_assessment_run(month=NOV)
    november = assessed(NOV)[("M1", SALES)]
    assert november.upgraded_count == 1
    assert "R-M-UPGRADE-ONCE" in [e for e in november.items if e["points"] == -10][0]["detail"]
    ContractFactory(partner=partner)
    monthly_assessment_run(month=dt.date(2026, 12, 1))
    assert assessed(dt.date(2026, 12, 1))[("M1", SALES)].upgraded_count == 0


def test_result_stores_items_and_rule_set_version(rule_set_v2):
    rule_set_v2(NOV, revenue_score_brackets={"thresholds": [50000], "points": [0, 50], "closed": "left"})
    partner = PartnerFactory(code="M1")
    for month in (OCT, NOV):
        set_revenue(partner, month, 1000000)
        make_tickets(partner, month.replace(day=9), 233)
        monthly_assessment_run(month=month)
    october, november = assessed(OCT)[("M1", SALES)], assessed(NOV)[("M1", SALES)]
    assert (october.rule_set.version, october.revenue_score) == (1, 30)
    assert (november.rule_set.version, november.revenue_score) == (2, 50)
    assert {"rule": "R-M-HEALTH", "points": 30, "detail": "质万比 2.33 (233 件 × 10000 / 1,000,000 元) → 30"} in (
        october.items
    )
    assert Decimal(str(sum(e["points"] for e in october.items))) == october.total


def test_running_twice_leaves_the_same_rows():
    for code in ("A", "B", "C"):
        partner = PartnerFactory(code=code)
        ContractFactory(partner=partner)
        set_revenue(partner, OCT, 123456)
        make_tickets(partner, OCT.replace(day=8), 7, handled_late=True, upgraded_on=OCT.replace(day=9))
    monthly_assessment_run(month=OCT)
    before = list(MonthlyAssessment.objects.order_by("pk").values())
    inclusions = list(UpgradedComplaintInclusion.objects.order_by("pk").values())
    counts = monthly_assessment_run(month=OCT)
    assert counts["unchanged"] == 3 and counts["created"] == counts["updated"] == counts["deleted"] == 0
    assert list(MonthlyAssessment.objects.order_by("pk").values()) == before
    assert list(UpgradedComplaintInclusion.objects.order_by("pk").values()) == inclusions


def test_draft_results_follow_corrected_data_and_vanish_when_no_longer_assessed():
    partner = PartnerFactory(code="M1")
    revenue = set_revenue(partner, OCT, 100000)
    monthly_assessment_run(month=OCT)
    first = assessed()[("M1", SALES)]
    set_revenue(partner, OCT, 300000)
    monthly_assessment_run(month=OCT)
    again = assessed()[("M1", SALES)]
    assert again.pk == first.pk and again.revenue_score == 20
    revenue.delete()
    monthly_assessment_run(month=OCT)
    assert assessed() == {}


def test_r_m_approval_approved_month_is_not_recomputed_silently(staff_user, division_leader, monkeypatch):
    a, b = PartnerFactory(code="A"), PartnerFactory(code="B")
    set_revenue(a, OCT, 100000)
    set_revenue(b, OCT, 100000)
    monthly_assessment_run(month=OCT)
    approve(assessed()[("A", SALES)], staff_user, division_leader)
    assert monthly_assessment_run(month=OCT)["unchanged"] == 2  # nothing would change: fine

    set_revenue(a, OCT, 3000000)
    set_revenue(b, OCT, 3000000)
    with pytest.raises(JobRefused, match="A 数字产品销售渠道"):
        monthly_assessment_run(month=OCT)
    results = assessed()
    assert results[("A", SALES)].revenue_score == 10 and results[("B", SALES)].revenue_score == 10  # nothing written

    with pytest.raises(CommandError, match="已拒绝"):
        call_command("run_monthly_assessment", "--month", "2026-10")
    monkeypatch.setattr(connections, "close_all", lambda: None)  # manage.py closes connections on exit
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "run_monthly_assessment", "--month", "2026-10"]).execute()
    assert exit_info.value.code != 0
    assert JobRun.objects.filter(job="run_monthly_assessment", status=JobStatus.REFUSED).count() == 2


def test_r_m_approval_submitted_results_are_protected_returned_ones_recomputed(staff_user, division_leader):
    partner = PartnerFactory(code="M1")
    set_revenue(partner, OCT, 100000)
    monthly_assessment_run(month=OCT)
    result = approval_submit(obj=assessed()[("M1", SALES)], actor=staff_user)
    set_revenue(partner, OCT, 200000)
    with pytest.raises(JobRefused, match="先退回"):
        monthly_assessment_run(month=OCT)
    approval_return(obj=result, actor=division_leader, reason="收入数据待更正")
    monthly_assessment_run(month=OCT)
    result = assessed()[("M1", SALES)]
    assert result.status == ApprovalStatus.RETURNED and result.revenue == Decimal("200000.00")


def test_r_m_approval_division_leader_publishes_and_the_rule_set_locks(staff_user, division_leader, department_head):
    set_revenue(PartnerFactory(code="M1"), OCT, 100000)
    monthly_assessment_run(month=OCT)
    result = approval_submit(obj=assessed()[("M1", SALES)], actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=result, actor=department_head)
    assert not result.rule_set.locked
    approval_approve(obj=result, actor=division_leader)
    result = assessed()[("M1", SALES)]
    assert result.status == ApprovalStatus.APPROVED and result.rule_set.locked


def test_job_records_progress_and_counts():
    for code in ("A", "B"):
        set_revenue(PartnerFactory(code=code), OCT, 100000)
    seen = []
    monthly_assessment_job(month=OCT, on_progress=lambda done, total: seen.append((done, total)))
    run = JobRun.objects.get(job="run_monthly_assessment")
    assert (run.key, run.status, run.total, run.done, run.counts["assessed"]) == ("2026-10", JobStatus.SUCCEEDED,
                                                                                  2, 2, 2)
    assert seen[-1] == (2, 2)


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "October"])
def test_command_rejects_a_bad_month_naming_the_option(bad):
    with pytest.raises(CommandError, match="--month"):
        call_command("run_monthly_assessment", "--month", bad)
    assert not JobRun.objects.exists()
