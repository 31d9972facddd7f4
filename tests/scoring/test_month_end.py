"""The month end in one pass (``month_end_job``) leaves exactly the rows of the day-by-day runs.

``month_end_job`` counts every day of the month at once (one statement on PostgreSQL), evaluates the warnings
once and writes the penalty-proposal chains set-based, then assesses the month. These tests run the same month
both ways — 31 ``daily_notifications_job`` runs + ``monthly_assessment_job``, and ``month_end_job`` — and compare
every stored field of every result row (ids and timestamps aside; links compared by what they point at), on
SQLite (the Python paths) and PostgreSQL (the set-based paths, also compared with the Python paths there).
"""

import datetime as dt

import pytest
from django.db import connection

from core.approval import approval_approve, approval_submit
from core.jobs import JobRefused
from core.models import AuditEvent
from core.months import month_end
from partners.models import ComplaintTicket
from scoring.models import (
    DailyNotification,
    MonthlyAssessment,
    MonthlyWarning,
    PenaltyProposal,
    UpgradedComplaintInclusion,
)
from scoring.services import daily_notifications_job, month_end_job, monthly_assessment_job
from scoring.services import month_end as month_end_module
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import JOINT, SALES, make_tickets, set_contribution, set_revenue

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def _days(first=OCT, last=None):
    last = last or month_end(OCT)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def month_data():
    """Partner-types that reach warning levels on different days, two levels on one day, one level only, none;
    late/quality tickets, upgrades, revenue, contributions and an incubation contract."""
    a, b, c, d = (PartnerFactory(code=code) for code in ("MA", "MB", "MC", "MD"))
    for partner in (a, b, c, d):
        ContractFactory(partner=partner)
    ContractFactory(partner=d, cooperation_type=JOINT, incubation=True, start_date=dt.date(2026, 8, 1))
    # A: 2 notifications a day (35 tickets) from the 3rd: R-D-WARN levels 1 (5), 2 (10), 3 (15), 4 (20) on
    # different days
    for day in _days(OCT.replace(day=3), OCT.replace(day=14)):
        make_tickets(a, day, 35)
    # B: one day of 125 tickets (11 notifications): levels 1 and 2 reached the same day, then 3 later
    make_tickets(b, OCT.replace(day=5), 125)
    make_tickets(b, OCT.replace(day=20), 75)
    # C: a single notification day (below level 1); joint membership gets its own notifications
    make_tickets(c, OCT.replace(day=9), 25)
    for day in _days(OCT.replace(day=10), OCT.replace(day=12)):
        make_tickets(c, day, 45, cooperation_type=JOINT)
    make_tickets(c, OCT.replace(day=11), 3, handled_late=True, quality_failed=True, category="other")
    make_tickets(d, OCT.replace(day=2), 4, upgraded_on=OCT.replace(day=28), category="other")
    for partner, revenue in ((a, 2500000), (b, 150000), (c, 5000), (d, 1200000)):
        set_revenue(partner, OCT, revenue)
    set_contribution(b, OCT, marketing_resources=True, marketing_includes_client_promotion=True,
                     cash_contribution=300000, ad_sales=50000, active_users=250000)
    return a, b, c, d


def snapshot() -> dict[str, list]:
    """Every result row, without ids and timestamps; links as what they point at."""
    level_of = dict(PenaltyProposal.objects.values_list("pk", "level"))
    proposal_key = {pk: (p, t, lvl) for pk, p, t, lvl in
                    PenaltyProposal.objects.values_list("pk", "partner_id", "cooperation_type", "level")}
    assessment_key = dict((pk, (p, t)) for pk, p, t in
                          MonthlyAssessment.objects.values_list("pk", "partner_id", "cooperation_type"))

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=repr)

    audit = []
    for row in AuditEvent.objects.values("object_id", "object_repr", "action", "actor_id", "reason", "rule_id",
                                         "from_status", "to_status", "data"):
        data = dict(row["data"])
        if "superseded_by" in data:
            data["superseded_by"] = level_of[data["superseded_by"]]
        audit.append((proposal_key.get(int(row["object_id"])), row["object_repr"], row["action"], row["actor_id"],
                      row["reason"], row["rule_id"], row["from_status"], row["to_status"], sorted(data.items())))
    return {
        "notifications": rows(DailyNotification.objects, "partner_id", "cooperation_type", "date", "complaint_count",
                              "notifications", "rule_set_id", "items"),
        "warnings": rows(MonthlyWarning.objects, "partner_id", "cooperation_type", "month", "notification_count",
                         "level", "level_reached_on", "rule_set_id", "items"),
        "proposals": sorted(
            (p.partner_id, p.cooperation_type, p.month, p.level, p.status, p.reached_on, p.notification_count,
             p.measures, p.payout_percent, p.rule_set_id, p.items, level_of.get(p.superseded_by_id),
             p.superseded_at is not None)
            for p in PenaltyProposal.objects.all()
        ),
        "audit": sorted(audit, key=repr),
        "assessments": rows(MonthlyAssessment.objects, "partner_id", "cooperation_type", "month", "status",
                            "revenue", "complaint_count", "health_ratio", "incubation", "revenue_score",
                            "health_score", "bonus_score", "deduction_score", "late_or_quality_count",
                            "upgraded_count", "total", "rule_set_id", "items"),
        "inclusions": sorted((ticket_id, month, assessment_key[assessment_id]) for ticket_id, month, assessment_id
                             in UpgradedComplaintInclusion.objects.values_list("ticket_id", "month",
                                                                              "assessment_id")),
    }


def wipe_results():
    UpgradedComplaintInclusion.objects.all().delete()
    MonthlyAssessment.objects.all().delete()
    PenaltyProposal.objects.update(superseded_by=None)
    PenaltyProposal.objects.all().delete()
    MonthlyWarning.objects.all().delete()
    DailyNotification.objects.all().delete()
    AuditEvent.objects.all().delete()


def day_by_day(days=None):
    for day in days or _days():
        daily_notifications_job(day=day)


def test_month_end_job_writes_the_rows_of_31_daily_runs_and_the_assessment():
    month_data()
    day_by_day()
    monthly_assessment_job(month=OCT)
    expected = snapshot()
    assert len(expected["proposals"]) >= 6 and expected["inclusions"]  # the data reaches what is compared
    # R-D-WARN: B's levels 1 and 2 on the same day give one proposal (level 2), superseded by level 3
    assert [row[3] for row in expected["proposals"] if row[11] is None] == [4, 3, 1]
    wipe_results()
    counts = month_end_job(month=OCT)
    assert snapshot() == expected
    assert counts["days"] == 31 and counts["proposals_created"] == len(expected["proposals"])


@pytest.mark.parametrize("done_through", [5, 15])
def test_month_end_after_some_daily_runs_continues_them(done_through):
    month_data()
    day_by_day()
    monthly_assessment_job(month=OCT)
    expected = snapshot()
    wipe_results()
    day_by_day(_days(OCT, OCT.replace(day=done_through)))
    month_end_job(month=OCT)
    assert snapshot() == expected


def test_month_end_job_twice_writes_nothing_the_second_time():
    month_data()
    month_end_job(month=OCT)
    first = snapshot()
    again = month_end_job(month=OCT)
    assert snapshot() == first
    assert again["notification_rows_created"] == again["notification_rows_updated"] == 0
    assert again["proposals_created"] == again["proposals_superseded"] == 0
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == len(first["assessments"])


def test_month_end_shards_over_partner_ranges_write_the_rows_of_one_run():
    a, b, c, d = month_data()
    month_end_job(month=OCT)
    expected = snapshot()
    wipe_results()
    ids = sorted(p.pk for p in (a, b, c, d))
    month_end_job(month=OCT, partners=(0, ids[1]))
    month_end_job(month=OCT, partners=(ids[1] + 1, ids[-1] + 1000))
    assert snapshot() == expected


def test_month_end_refuses_and_writes_nothing_when_an_approved_proposal_would_change(staff_user, division_leader):
    a, *_ = month_data()
    month_end_job(month=OCT)
    top = PenaltyProposal.objects.get(partner=a, superseded_by__isnull=True)
    approval_approve(obj=approval_submit(obj=top, actor=staff_user), actor=division_leader)
    before = snapshot()
    # corrected data: A's tickets of the 12th are gone, so level 4 (20 notifications) is reached on the 13th, not
    # the 12th: an approved proposal would change (R-D-APPROVAL)
    assert top.level == 4 and top.reached_on == OCT.replace(day=12)
    ComplaintTicket.objects.filter(partner=a, received_on=OCT.replace(day=12)).delete()
    with pytest.raises(JobRefused, match="已审批"):
        month_end_job(month=OCT)
    assert snapshot() == before


def test_month_end_refuses_and_writes_nothing_when_an_approved_assessment_would_change(staff_user,
                                                                                       division_leader):
    a, *_ = month_data()
    month_end_job(month=OCT)
    assessment = MonthlyAssessment.objects.get(partner=a, cooperation_type=SALES)
    approval_approve(obj=approval_submit(obj=assessment, actor=staff_user), actor=division_leader)
    before = snapshot()
    set_revenue(a, OCT, 90000)  # R-M-APPROVAL: the approved result would change
    make_tickets(a, OCT.replace(day=20), 40)  # and the day's notifications would be new rows
    with pytest.raises(JobRefused, match="已审批"):
        month_end_job(month=OCT)
    assert snapshot() == before


def test_r_m_upgrade_once_an_upgrade_counted_by_the_month_end_is_not_counted_again():
    *_, d = month_data()
    month_end_job(month=OCT)
    nov = dt.date(2026, 11, 1)
    set_revenue(d, nov, 1200000)
    month_end_job(month=nov)
    counted = UpgradedComplaintInclusion.objects.filter(ticket__partner=d)
    assert counted.count() == 4 and set(counted.values_list("month", flat=True)) == {OCT}
    assert MonthlyAssessment.objects.get(partner=d, cooperation_type=SALES, month=nov).upgraded_count == 0


def test_postgresql_set_based_month_end_equals_the_python_paths(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the set-based month statements are the PostgreSQL path (SQLite runs the Python paths)")
    month_data()
    month_end_job(month=OCT)
    set_based = snapshot()
    wipe_results()
    monkeypatch.setattr(month_end_module, "_set_based", lambda: False)
    month_end_job(month=OCT)
    assert snapshot() == set_based
