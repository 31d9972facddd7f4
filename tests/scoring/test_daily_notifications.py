"""Daily notifications (R-D-NOTIFY) through the daily job: brackets, scope, idempotence, the command."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.choices import JobStatus
from core.models import JobRun
from partners.choices import ComplaintCategory
from scoring.models import DailyNotification
from scoring.services import daily_notifications_job, daily_notifications_run
from tests.factories import PartnerFactory
from tests.scoring.factories import JOINT, SALES, make_tickets

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 12)


def rows(day=DAY):
    return {
        (n.partner.code, n.cooperation_type): (n.complaint_count, n.notifications)
        for n in DailyNotification.objects.filter(date=day).select_related("partner")
    }


@pytest.mark.parametrize(
    ("tickets", "notifications"),
    [(0, 0), (1, 0), (24, 0), (25, 1), (26, 1), (34, 1), (35, 2), (44, 2), (45, 3), (95, 8)],
)
def test_r_d_notify_count_brackets_24_25_34_35(tickets, notifications):
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, tickets)
    daily_notifications_run(day=DAY)
    expected = {("N1", SALES): (tickets, notifications)} if notifications else {}
    assert rows() == expected


def test_r_d_notify_rule_id_and_detail_on_the_row():
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, 35)
    daily_notifications_run(day=DAY)
    row = DailyNotification.objects.get()
    assert row.rule_set.version == 1
    assert row.items == [{"rule": "R-D-NOTIFY", "points": 2, "detail": row.items[0]["detail"]}]
    assert "35 件" in row.items[0]["detail"] and "通报 2 次" in row.items[0]["detail"]


def test_r_d_notify_per_partner_and_cooperation_type_by_received_date():
    a, b = PartnerFactory(code="A"), PartnerFactory(code="B")
    make_tickets(a, DAY, 20)
    make_tickets(a, DAY, 20, cooperation_type=JOINT)  # 40 for the partner, but 20 per type: no notification
    make_tickets(b, DAY, 25)
    make_tickets(b, DAY, 30, cooperation_type=JOINT)
    make_tickets(b, DAY - dt.timedelta(days=1), 100)  # another day
    make_tickets(b, DAY + dt.timedelta(days=1), 100)
    daily_notifications_run(day=DAY)
    assert rows() == {("B", SALES): (25, 1), ("B", JOINT): (30, 1)}


def test_r_d_notify_counts_only_unknowing_subscription_tickets():
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, 24)
    make_tickets(partner, DAY, 50, category=ComplaintCategory.OTHER)
    daily_notifications_run(day=DAY)
    assert rows() == {}


def test_r_d_dual_provincial_tickets_still_count_in_the_daily_notification():
    """R-D-DUAL: provincial / supervised complaints get control measures (R-C-*) in addition, not instead."""
    partner = PartnerFactory(code="N1")
    for ticket in make_tickets(partner, DAY, 25):
        ticket.province = "广东"
        ticket.save()
    daily_notifications_run(day=DAY)
    assert rows() == {("N1", SALES): (25, 1)}


def test_r_d_notify_threshold_comes_from_the_rule_set_in_force_on_the_day(rule_set_v2):
    rule_set_v2(dt.date(2026, 10, 12), notify_threshold={"value": 30})
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY - dt.timedelta(days=1), 29)
    make_tickets(partner, DAY, 29)
    daily_notifications_run(day=DAY - dt.timedelta(days=1))
    daily_notifications_run(day=DAY)
    assert rows(DAY - dt.timedelta(days=1)) == {("N1", SALES): (29, 1)}
    assert rows(DAY) == {}


def test_running_twice_leaves_the_same_rows():
    a, b = PartnerFactory(code="A"), PartnerFactory(code="B")
    make_tickets(a, DAY, 40)
    make_tickets(b, DAY, 70, cooperation_type=JOINT)
    daily_notifications_run(day=DAY)
    before = list(DailyNotification.objects.order_by("pk").values())
    counts = daily_notifications_run(day=DAY)
    assert list(DailyNotification.objects.order_by("pk").values()) == before
    assert counts["notification_rows_created"] == counts["notification_rows_updated"] == 0


def test_rerun_follows_corrected_tickets():
    partner = PartnerFactory(code="N1")
    tickets = make_tickets(partner, DAY, 35)
    daily_notifications_run(day=DAY)
    first_id = DailyNotification.objects.get().pk
    tickets[0].delete()
    daily_notifications_run(day=DAY)
    assert rows() == {("N1", SALES): (34, 1)}
    assert DailyNotification.objects.get().pk == first_id
    for ticket in tickets[1:11]:
        ticket.delete()
    daily_notifications_run(day=DAY)
    assert rows() == {}


def test_job_records_its_run_with_counts():
    make_tickets(PartnerFactory(code="N1"), DAY, 45)
    daily_notifications_job(day=DAY)
    run = JobRun.objects.get(job="run_daily_notifications")
    assert run.key == "2026-10-12" and run.status == JobStatus.SUCCEEDED
    assert run.counts["notifications"] == 3 and run.done == run.total == 3


def test_command_runs_the_job_and_reports(capsys):
    make_tickets(PartnerFactory(code="N1"), DAY, 25)
    call_command("run_daily_notifications", "--date", "2026-10-12")
    assert rows() == {("N1", SALES): (25, 1)}
    assert "2026-10-12" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2026-13-01", "12/10/2026", ""])
def test_command_rejects_a_bad_date_naming_the_option(bad):
    with pytest.raises(CommandError, match="--date"):
        call_command("run_daily_notifications", "--date", bad)
    assert not JobRun.objects.exists()
