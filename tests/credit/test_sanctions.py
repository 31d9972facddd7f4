"""Sanctions of grades C–F: issue on approval, due in 5 working days, apply → Restrictions, latest grade wins,
end with the cooperation, linked penalties (R-K-RANGE, R-K-DEADLINE, R-K-AFTER-END, R-K-LINKED)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.audit import audit_trail
from core.models import AuditEvent
from credit.choices import SanctionCode, SanctionStatus
from credit.models import CreditSanction
from credit.selectors import overdue_sanctions
from credit.services import (
    credit_sanction_apply,
    credit_sanctions_apply_due,
    credit_sanctions_end_for_ended_cooperations,
    linked_penalties_settle,
)
from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from partners.choices import PartnerStatus
from scoring.models import RuleSet
from tests.factories import ContractFactory, PartnerFactory, RelatedGroupFactory

from .factories import MonthlyCreditScoreFactory

pytestmark = pytest.mark.django_db

D = dt.date
SEP, OCT, NOV = D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)
SCORE_FOR = {"A": "850", "B": "700", "C": "500", "D": "350", "E": "200", "F": "100", "X": "0"}
A = RestrictedAction
BEFORE_NATIONAL_DAY = D(2026, 9, 30)


@pytest.fixture
def grade(publish):
    """Publish a score of ``grade`` for ``partner`` and ``month`` on ``issued`` (local date)."""

    def _grade(partner, letter, *, month=OCT, issued=BEFORE_NATIONAL_DAY):
        score = MonthlyCreditScoreFactory(partner=partner, month=month, grade=letter,
                                          score=Decimal(SCORE_FOR[letter]), monthly_score=Decimal(SCORE_FOR[letter]))
        return publish(score, on=issued)

    return _grade


def blocked(partner, action, on):
    return not action_allowed(partner=partner, action=action, on=on).allowed


@pytest.mark.parametrize(
    ("letter", "codes"),
    [
        ("A", set()),
        ("B", set()),
        ("C", {"no_new_codes", "no_new_products", "no_new_cooperation_types"}),
        ("D", {"no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion"}),
        ("E", {"no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion",
               "suspend_settlement"}),
        ("F", {"no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion",
               "suspend_settlement", "suspend_all_sales"}),
    ],
)
def test_approval_issues_the_grades_cumulative_sanctions_r_k_range(grade, letter, codes):
    partner = PartnerFactory()
    score = grade(partner, letter, issued=D(2026, 9, 30))
    sanctions = CreditSanction.objects.filter(credit_score=score)
    assert {s.code for s in sanctions} == codes
    assert all(s.status == SanctionStatus.PENDING and s.rule_id == "R-K-RANGE" for s in sanctions)
    # issued the day before National Day: 5 working days later is 2026-10-13 (R-K-DEADLINE)
    assert {s.due_on for s in sanctions} <= {D(2026, 10, 13)}
    assert score.rule_set.locked is True or RuleSet.objects.get(pk=score.rule_set_id).locked


def test_c_graded_partner_code_application_is_refused_r_k_range(grade, staff_user):
    partner = PartnerFactory(code="CGRADE")
    grade(partner, "C", issued=D(2026, 10, 9))
    assert not blocked(partner, A.APPLY_CODES, D(2026, 10, 9))  # issued, not yet applied

    for sanction in CreditSanction.objects.filter(partner=partner):
        credit_sanction_apply(sanction=sanction, on=D(2026, 10, 12), actor=staff_user)

    verdict = action_allowed(partner=partner, action="apply_codes", on=D(2026, 10, 12))
    assert not verdict.allowed
    assert verdict.rule_ids == ["R-K-RANGE"]
    assert "申请新业务代码" in verdict.reasons[0] and "信用等级 C" in verdict.reasons[0]
    assert verdict.blocked_until is None
    assert blocked(partner, A.NEW_PRODUCTS, D(2026, 10, 12)) and blocked(partner, A.NEW_COOPERATION_TYPES,
                                                                          D(2026, 10, 12))
    assert not blocked(partner, A.SETTLEMENT, D(2026, 10, 12))
    assert not blocked(partner, A.APPLY_CODES, D(2026, 10, 11))


def test_e_graded_partner_settlement_is_held_at_the_due_date_r_k_range(grade):
    partner = PartnerFactory(code="EGRADE")
    grade(partner, "E", issued=D(2026, 9, 30))
    due = D(2026, 10, 13)

    assert credit_sanctions_apply_due(on=due - dt.timedelta(days=1)) == {"applied": 0, "waiting_for_choice": 0}
    counts = credit_sanctions_apply_due(on=due)
    assert counts == {"applied": 4, "waiting_for_choice": 1}  # D's billing-or-promotion needs a staff choice

    verdict = action_allowed(partner=partner, action="settlement", on=due)
    assert not verdict.allowed and verdict.rule_ids == ["R-K-RANGE"]
    assert "渠道结算" in verdict.reasons[0]
    assert not blocked(partner, A.SETTLEMENT, due - dt.timedelta(days=1))
    assert credit_sanctions_apply_due(on=due) == {"applied": 0, "waiting_for_choice": 1}  # runs twice, once


def test_d_grade_staff_choose_billing_or_promotion_r_k_range(grade, staff_user):
    partner = PartnerFactory()
    grade(partner, "D", issued=D(2026, 9, 30))
    choice = CreditSanction.objects.get(partner=partner, code=SanctionCode.SUSPEND_BILLING_OR_PROMOTION)
    with pytest.raises(ValidationError, match="action"):
        credit_sanction_apply(sanction=choice, on=D(2026, 10, 8), actor=staff_user)
    with pytest.raises(ValidationError, match="action"):
        credit_sanction_apply(sanction=choice, on=D(2026, 10, 8), actor=staff_user, action=A.SETTLEMENT)

    credit_sanctions_apply_due(on=D(2026, 10, 13))
    assert list(overdue_sanctions(on=D(2026, 10, 14))) == [choice]  # due date passed, not applied

    credit_sanction_apply(sanction=choice, on=D(2026, 10, 14), actor=staff_user, action=A.CLIENT_PROMOTION)
    assert blocked(partner, A.CLIENT_PROMOTION, D(2026, 10, 14))
    assert not blocked(partner, A.PHONE_BILL_CHARGING, D(2026, 10, 14))
    assert not overdue_sanctions(on=D(2026, 10, 14)).exists()


def test_latest_grade_before_the_due_date_replaces_the_earlier_one_r_k_deadline(grade):
    partner = PartnerFactory()
    september = grade(partner, "C", month=SEP, issued=D(2026, 10, 9))
    earlier = list(CreditSanction.objects.filter(credit_score=september))
    assert {s.due_on for s in earlier} == {D(2026, 10, 15)}              # the make-up Saturday 10-10 counts
    october = grade(partner, "E", month=OCT, issued=D(2026, 10, 14))     # arrives within the 5 working days

    for sanction in earlier:
        sanction.refresh_from_db()
        assert sanction.status == SanctionStatus.CANCELLED and sanction.replaced_by == october
        event = audit_trail(sanction).first()
        assert event.action == "credit_sanction_cancel" and event.rule_id == "R-K-DEADLINE"
        assert "执行期限内" in event.reason
    assert CreditSanction.objects.filter(credit_score=october, status=SanctionStatus.PENDING).count() == 5

    credit_sanctions_apply_due(on=D(2026, 10, 15))                        # September's due date: nothing left
    assert not blocked(partner, A.APPLY_CODES, D(2026, 10, 16))


def test_better_later_grade_ends_applied_sanctions_r_k_deadline(grade):
    partner = PartnerFactory()
    grade(partner, "C", month=SEP, issued=D(2026, 10, 9))
    credit_sanctions_apply_due(on=D(2026, 10, 16))
    assert blocked(partner, A.APPLY_CODES, D(2026, 11, 5))
    grade(partner, "B", month=OCT, issued=D(2026, 11, 6))
    assert blocked(partner, A.APPLY_CODES, D(2026, 11, 5))
    assert not blocked(partner, A.APPLY_CODES, D(2026, 11, 6))
    assert set(CreditSanction.objects.filter(partner=partner).values_list("status", flat=True)) == {
        SanctionStatus.ENDED}


def test_repeated_sanction_runs_on_until_the_new_one_applies_r_k_deadline(grade):
    partner = PartnerFactory()
    grade(partner, "E", month=SEP, issued=D(2026, 10, 9))
    credit_sanctions_apply_due(on=D(2026, 10, 16))
    grade(partner, "C", month=OCT, issued=D(2026, 11, 6))     # due 2026-11-13; settlement no longer in the grade
    assert not blocked(partner, A.SETTLEMENT, D(2026, 11, 6))
    assert blocked(partner, A.APPLY_CODES, D(2026, 11, 10))   # September's C-part still runs
    credit_sanctions_apply_due(on=D(2026, 11, 13))
    assert blocked(partner, A.APPLY_CODES, D(2026, 11, 13))
    old = CreditSanction.objects.get(partner=partner, month=SEP, code=SanctionCode.NO_NEW_CODES)
    assert old.status == SanctionStatus.ENDED and old.ended_on == D(2026, 11, 13)


def test_an_earlier_month_approved_late_does_not_replace_the_latest_r_k_deadline(grade):
    partner = PartnerFactory()
    grade(partner, "B", month=OCT, issued=D(2026, 11, 6))
    september = grade(partner, "E", month=SEP, issued=D(2026, 11, 9))
    assert not CreditSanction.objects.filter(credit_score=september).exists()
    assert AuditEvent.objects.filter(action="credit_sanctions_skip", rule_id="R-K-DEADLINE").exists()


def test_sanctions_end_with_the_cooperation_r_k_after_end(grade):
    partner = PartnerFactory()
    ContractFactory(partner=partner, start_date=D(2024, 1, 1), end_date=D(2026, 11, 15))
    grade(partner, "E", issued=D(2026, 9, 30))
    credit_sanctions_apply_due(on=D(2026, 10, 13))
    kept = CreditSanction.objects.get(partner=partner, code=SanctionCode.NO_NEW_PRODUCTS)

    assert credit_sanctions_end_for_ended_cooperations(on=D(2026, 11, 15)) == 0   # still in force that day
    assert credit_sanctions_end_for_ended_cooperations(on=D(2026, 11, 20)) == 2
    ended = {s.code: s for s in CreditSanction.objects.filter(partner=partner, status=SanctionStatus.ENDED)}
    assert set(ended) == {SanctionCode.SUSPEND_SETTLEMENT, SanctionCode.NO_NEW_COOPERATION_TYPES}
    assert all(s.ended_on == D(2026, 11, 16) for s in ended.values())
    assert not blocked(partner, A.SETTLEMENT, D(2026, 11, 16))
    assert not blocked(partner, A.NEW_COOPERATION_TYPES, D(2026, 11, 16))
    assert blocked(partner, A.SETTLEMENT, D(2026, 11, 15))
    kept.refresh_from_db()
    assert kept.status == SanctionStatus.APPLIED and blocked(partner, A.NEW_PRODUCTS, D(2026, 11, 20))
    assert credit_sanctions_end_for_ended_cooperations(on=D(2026, 11, 21)) == 0


def test_decision_keeps_a_sanction_after_the_cooperation_ends_r_k_after_end(grade):
    partner = PartnerFactory()
    ContractFactory(partner=partner, start_date=D(2024, 1, 1), end_date=D(2026, 11, 15))
    grade(partner, "E", issued=D(2026, 9, 30))
    credit_sanctions_apply_due(on=D(2026, 10, 13))
    CreditSanction.objects.filter(partner=partner, code=SanctionCode.SUSPEND_SETTLEMENT).update(
        keep_after_cooperation_end=True)
    assert credit_sanctions_end_for_ended_cooperations(on=D(2026, 11, 20)) == 1
    assert blocked(partner, A.SETTLEMENT, D(2026, 11, 20))


def test_score_at_or_below_zero_terminates_and_penalises_related_companies_r_k_linked(grade, staff_user):
    group = RelatedGroupFactory()
    partner = PartnerFactory(code="ZERO", related_group=group)
    ContractFactory(partner=partner, start_date=D(2024, 1, 1))
    sister = PartnerFactory(code="SISTER", related_group=group)
    stranger = PartnerFactory(code="STRANGER")
    grade(partner, "X", issued=D(2026, 9, 30))

    linked = CreditSanction.objects.filter(partner=sister)
    assert {(s.code, s.rule_id, s.origin_partner_id) for s in linked} == {
        ("suspend_all_cooperation", "R-K-LINKED", partner.pk), ("suspend_settlement", "R-K-LINKED", partner.pk)}
    credit_sanctions_apply_due(on=D(2026, 10, 13))

    for action in (A.SETTLEMENT, A.APPLY_CODES, A.PROMOTE):
        verdict = action_allowed(partner=sister, action=action, on=D(2026, 10, 13))
        assert not verdict.allowed and verdict.rule_ids == ["R-K-LINKED"]
    assert not blocked(stranger, A.SETTLEMENT, D(2026, 10, 13))
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.TERMINATED
    assert partner.contracts.get().end_date == D(2026, 10, 13)
    assert blocked(partner, A.PROMOTE, D(2026, 10, 13))

    with pytest.raises(ValidationError, match="note"):
        linked_penalties_settle(partner=partner, on=D(2026, 12, 1), note=" ", actor=staff_user)
    linked_penalties_settle(partner=partner, on=D(2026, 12, 1), note="罚金已缴清", actor=staff_user)
    assert not blocked(sister, A.SETTLEMENT, D(2026, 12, 1))
    assert blocked(sister, A.SETTLEMENT, D(2026, 11, 30))
    assert blocked(partner, A.PROMOTE, D(2026, 12, 1))  # the partner's own termination stays


def test_overdue_sanctions_are_listed_in_the_admin_r_k_deadline(grade, admin_client):
    partner = PartnerFactory(code="LATE")
    grade(partner, "C", issued=D(2026, 1, 5))
    on_time = PartnerFactory(code="ONTIME")
    grade(on_time, "C", issued=D(2026, 1, 5))
    credit_sanction_apply(sanction=CreditSanction.objects.filter(partner=on_time).first(), on=D(2026, 1, 6))
    CreditSanction.objects.filter(partner=on_time, status=SanctionStatus.PENDING).update(
        status=SanctionStatus.APPLIED, applied_on=D(2026, 1, 6))

    response = admin_client.get("/admin/credit/creditsanction/", {"overdue": "yes"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "LATE" in content and "ONTIME" not in content


def test_daily_command_ends_sanctions_of_ended_cooperation_before_applying_r_k_after_end(grade):
    from django.core.management import call_command

    partner = PartnerFactory()
    ContractFactory(partner=partner, start_date=D(2024, 1, 1), end_date=D(2026, 10, 10))
    grade(partner, "E", issued=BEFORE_NATIONAL_DAY)
    call_command("apply_credit_sanctions", "--date", "2026-10-13", verbosity=0)
    statuses = dict(CreditSanction.objects.filter(partner=partner).values_list("code", "status"))
    assert statuses[SanctionCode.SUSPEND_SETTLEMENT] == SanctionStatus.CANCELLED
    assert statuses[SanctionCode.NO_NEW_COOPERATION_TYPES] == SanctionStatus.CANCELLED
    assert statuses[SanctionCode.NO_NEW_CODES] == SanctionStatus.APPLIED
    assert not blocked(partner, A.SETTLEMENT, D(2026, 10, 13))


def test_daily_celery_task_applies_due_sanctions_once_r_k_deadline(grade):
    from core.models import JobRun
    from credit.tasks import apply_due_sanctions

    partner = PartnerFactory()
    grade(partner, "C", issued=BEFORE_NATIONAL_DAY)
    assert apply_due_sanctions.delay(date="2026-10-12").get()["applied"] == 0
    assert apply_due_sanctions.delay(date="2026-10-13").get() == {"applied": 3, "waiting_for_choice": 0,
                                                                  "ended_with_cooperation": 0}
    assert apply_due_sanctions.delay(date="2026-10-13").get()["applied"] == 0
    assert JobRun.objects.filter(job="apply_credit_sanctions").count() == 3
    assert blocked(partner, A.APPLY_CODES, D(2026, 10, 13))
