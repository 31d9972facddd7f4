"""run_credit_scoring: set-based, idempotent, refuses to change approved scores; the Celery task and beat entry."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from core.choices import ApprovalStatus, JobStatus
from core.models import JobRun
from credit.models import MonthlyCreditScore
from credit.services import credit_scoring_run, manual_item_score_set
from credit.tasks import run_credit_scoring
from partners.choices import CooperationType, PartnerClass
from tests.factories import (
    ComplaintFactory,
    ContractFactory,
    MonthlyContributionFactory,
    MonthlyRevenueFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def partner_with_contract(**kwargs):
    partner = PartnerFactory(**kwargs)
    ContractFactory(partner=partner, start_date=dt.date(2024, 1, 1))
    return partner


def snapshot(month=OCT):
    return {
        row.partner.code: (row.pk, row.monthly_score, row.score, row.grade, row.items, row.months, row.status)
        for row in MonthlyCreditScore.objects.filter(month=month).select_related("partner")
    }


def test_command_computes_items_weights_and_rule_set_r_k_compose(notifications):
    plain = partner_with_contract(code="PLAIN")
    busy = partner_with_contract(code="BUSY", partner_class=PartnerClass.CORE)
    notifications[OCT] = {(busy.pk, CooperationType.SALES_CHANNEL): 1, (busy.pk, CooperationType.JOINT_MEMBERSHIP): 1}
    ComplaintFactory.create_batch(19, partner=busy, received_on=dt.date(2026, 10, 3))
    ComplaintFactory(partner=busy, received_on=dt.date(2026, 10, 4), handled_late=True)  # 95 %: no deduction
    ComplaintFactory(partner=busy, received_on=dt.date(2026, 9, 30), handled_late=True)  # other month
    MonthlyRevenueFactory(partner=busy, month=OCT, phone_bill=Decimal("30000"), cash=Decimal("20000"))

    call_command("run_credit_scoring", "--month", "2026-10", verbosity=0)

    rows = {row.partner.code: row for row in MonthlyCreditScore.objects.filter(month=OCT)}
    assert rows["PLAIN"].score == Decimal("850.00") and rows["PLAIN"].grade == "A"
    busy_row = rows["BUSY"]
    # core weights: base 100×0.5 + health (100 − 2×25)×0.3 + strategic 100 (revenue 5万)×0.2 → 85 ×10
    assert busy_row.weight_profile == "core"
    assert busy_row.monthly_score == Decimal("850.00")
    points = {i["item"]: (i["rule"], i["points"], i["weight"]) for i in busy_row.items}
    assert points == {"base_standard": ("R-K-COMPOSE", 100, 0.5), "health": ("R-K-HEALTH", 50, 0.3),
                      "strategic": ("R-K-STRATEGIC", 100, 0.2)}
    assert busy_row.rule_set.version == 1 and busy_row.status == ApprovalStatus.DRAFT
    assert busy_row.months == [{"month": "2026-10", "monthly_score": 850, "configured_weight": 0.5, "weight": 1.0}]
    assert plain.pk != busy.pk


def test_second_run_changes_nothing():
    partner_with_contract(code="P1")
    partner_with_contract(code="P2")
    first = credit_scoring_run(month=OCT)
    before = snapshot()
    second = credit_scoring_run(month=OCT)
    assert snapshot() == before
    assert first["created"] == 2 and second == {"partners": 2, "created": 0, "updated": 0, "unchanged": 2,
                                                "deleted": 0}


def test_rerun_updates_drafts_and_drops_partners_out_of_scope(notifications):
    stays = partner_with_contract(code="STAYS")
    leaves = partner_with_contract(code="LEAVES")
    credit_scoring_run(month=OCT)
    notifications[OCT] = {(stays.pk, CooperationType.SALES_CHANNEL): 4}
    leaves.contracts.update(end_date=dt.date(2026, 9, 30))
    counts = credit_scoring_run(month=OCT)
    assert counts["updated"] == 1 and counts["deleted"] == 1
    row = MonthlyCreditScore.objects.get(month=OCT)
    assert row.partner == stays and row.score == Decimal("600.00") and row.grade == "B"


def test_partners_without_cooperation_in_the_month_are_not_scored():
    partner_with_contract(code="IN")
    future = PartnerFactory(code="FUTURE")
    ContractFactory(partner=future, start_date=dt.date(2026, 11, 1))
    ended = PartnerFactory(code="ENDED")
    ContractFactory(partner=ended, start_date=dt.date(2024, 1, 1), end_date=dt.date(2026, 9, 30))
    last_day = PartnerFactory(code="LASTDAY")
    ContractFactory(partner=last_day, start_date=dt.date(2024, 1, 1), end_date=dt.date(2026, 10, 1))
    PartnerFactory(code="NONE")
    credit_scoring_run(month=OCT)
    assert set(snapshot()) == {"IN", "LASTDAY"}


def test_refuses_to_overwrite_approved_scores_and_writes_nothing(notifications, publish):
    approved = partner_with_contract(code="APPROVED")
    draft = partner_with_contract(code="DRAFT")
    credit_scoring_run(month=OCT)
    publish(MonthlyCreditScore.objects.get(partner=approved, month=OCT))
    notifications[OCT] = {(approved.pk, CooperationType.SALES_CHANNEL): 2, (draft.pk, CooperationType.SALES_CHANNEL): 2}
    before = snapshot()

    with pytest.raises(CommandError, match="APPROVED"):
        call_command("run_credit_scoring", "--month", "2026-10", verbosity=0)
    assert snapshot() == before
    assert JobRun.objects.filter(job="run_credit_scoring", key="2026-10").first().status == JobStatus.REFUSED

    notifications[OCT] = {}
    call_command("run_credit_scoring", "--month", "2026-10", verbosity=0)  # nothing approved would change
    assert snapshot() == before
    assert draft.pk


@pytest.mark.parametrize("bad", ["2026-13", "2026/10", "", "October"])
def test_bad_month_is_refused_naming_the_option(bad):
    with pytest.raises(CommandError, match="--month"):
        call_command("run_credit_scoring", "--month", bad, verbosity=0)
    assert not MonthlyCreditScore.objects.exists()


def test_weighted_over_stored_months_r_k_weighted(notifications):
    partner = partner_with_contract(code="W")
    notifications[SEP] = {(partner.pk, CooperationType.SALES_CHANNEL): 4}   # Sep monthly: 850 − 250 = 600
    credit_scoring_run(month=SEP)
    credit_scoring_run(month=OCT)                                           # Oct monthly: 850
    row = MonthlyCreditScore.objects.get(partner=partner, month=OCT)
    assert row.monthly_score == Decimal("850.00")
    assert row.score == Decimal("756.25")                                   # (0.5×850 + 0.3×600) / 0.8
    assert [m["month"] for m in row.months] == ["2026-10", "2026-09"]
    assert row.grade == "B"


def test_manual_base_item_and_company_importance_feed_the_job_r_k_compose(staff_user):
    partner = partner_with_contract(code="M")
    manual_item_score_set(partner=partner, month=OCT, item="base_standard", points=Decimal("40"), actor=staff_user)
    MonthlyContributionFactory(partner=partner, month=OCT, ads_placed=Decimal("50000"))
    credit_scoring_run(month=OCT)
    row = MonthlyCreditScore.objects.get(partner=partner, month=OCT)
    assert row.score == Decimal("640.00")  # 40×0.6 + 100×0.25 + 100×0.15


def test_query_count_does_not_grow_with_partners():
    def queries_for(count, month):
        for _ in range(count):
            partner_with_contract()
        with CaptureQueriesContext(connection) as captured:
            credit_scoring_run(month=month)
        return len(captured)

    small = queries_for(2, OCT)
    MonthlyCreditScore.objects.all().delete()
    large = queries_for(40, OCT)
    assert large <= small + 2, (small, large)


def test_celery_task_records_a_job_run():
    partner_with_contract(code="T")
    counts = run_credit_scoring.delay(month="2026-10").get()
    assert counts["created"] == 1
    run = JobRun.objects.get(job="run_credit_scoring", key="2026-10")
    assert run.status == JobStatus.SUCCEEDED and run.counts["partners"] == 1


def test_beat_schedule_is_installed_by_migration():
    scoring = PeriodicTask.objects.get(task="credit.run_credit_scoring")
    assert scoring.enabled and scoring.crontab.day_of_month == "5"
    assert PeriodicTask.objects.filter(task="credit.apply_due_sanctions", enabled=True).exists()


@pytest.mark.parametrize(
    ("month", "item", "points", "field"),
    [(OCT, "health", "80", "item"), (OCT, "unknown", "80", "item"), (dt.date(2026, 10, 2), "base_standard", "80",
                                                                    "month"),
     (OCT, "base_standard", "-1", "points"), (OCT, "base_standard", "100.5", "points")],
)
def test_manual_item_entry_errors_name_the_field_r_k_compose(staff_user, month, item, points, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        manual_item_score_set(partner=PartnerFactory(), month=month, item=item, points=Decimal(points),
                              actor=staff_user)
    assert field in caught.value.message_dict


def test_manual_item_entry_is_an_upsert_r_k_compose(staff_user):
    partner = PartnerFactory()
    manual_item_score_set(partner=partner, month=OCT, item="base_standard", points=Decimal("40"), actor=staff_user)
    record = manual_item_score_set(partner=partner, month=OCT, item="base_standard", points=Decimal("45"),
                                   actor=staff_user)
    assert record.points == Decimal("45") and partner.manual_item_scores.count() == 1


def test_health_reads_the_scoring_cores_notification_counts_r_k_health(monkeypatch):
    from tests.scoring.factories import make_warning

    monkeypatch.undo()  # this test uses the real scoring.selectors.notification_counts_for_month
    partner = partner_with_contract(code="REAL")
    make_warning(partner, notification_count=1, level=0, cooperation_type=CooperationType.SALES_CHANNEL)
    make_warning(partner, notification_count=2, level=0, cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    make_warning(partner, month=SEP, notification_count=9, level=1)
    credit_scoring_run(month=OCT)
    health = next(i for i in MonthlyCreditScore.objects.get(partner=partner).items if i["item"] == "health")
    assert health["points"] == 25 and "通报 3 次" in health["detail"]  # 100 − 3 × 25, summed over types
