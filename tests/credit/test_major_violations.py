"""Major violations: recorded by staff, approved by the division leader; credit 0, termination, settlement stop,
re-entry ban, linked penalties until settled (R-X-MAJOR, R-X-EXIT, R-K-MAJOR, R-K-LINKED)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.approval import approval_approve, approval_submit
from core.choices import ApprovalStatus
from core.models import AuditEvent
from credit.choices import MajorViolationCategory, SanctionStatus
from credit.models import CreditSanction, MonthlyCreditScore
from credit.services import credit_scoring_run, linked_penalties_settle, major_violation_record
from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from partners.choices import PartnerStatus
from tests.factories import ContractFactory, PartnerFactory, RelatedGroupFactory

from .factories import MonthlyCreditScoreFactory

pytestmark = pytest.mark.django_db

D = dt.date
A = RestrictedAction


DECIDED = D(2026, 10, 20)


def record(partner, actor, category=MajorViolationCategory.ILLEGAL_CONTENT, effective_on=DECIDED):
    return major_violation_record(
        partner=partner, category=category, occurred_on=D(2026, 10, 8), description="违法内容传播",
        evidence="监管通报 2026-101", decision="终止合作，两年内不得再次合作", effective_on=effective_on, actor=actor,
    )


@pytest.fixture
def group():
    group = RelatedGroupFactory(name="某集团")
    violator = PartnerFactory(code="BAD", related_group=group)
    ContractFactory(partner=violator, start_date=D(2024, 1, 1))
    ContractFactory(partner=violator, cooperation_type="joint_membership", start_date=D(2025, 3, 1))
    sister = PartnerFactory(code="SISTER", related_group=group)
    ContractFactory(partner=sister, start_date=D(2024, 1, 1))
    return violator, sister, PartnerFactory(code="OTHER")


@pytest.mark.parametrize("category", MajorViolationCategory.values)
def test_every_major_violation_category_can_be_recorded_r_x_major(staff_user, category):
    violation = record(PartnerFactory(), staff_user, category=category)
    assert violation.status == ApprovalStatus.DRAFT
    assert AuditEvent.objects.filter(action="major_violation_record", rule_id="R-X-MAJOR").exists()


def test_unknown_category_is_refused_naming_the_field_r_x_major(staff_user):
    with pytest.raises(ValidationError) as caught:
        record(PartnerFactory(), staff_user, category="rude_email")
    assert "category" in caught.value.message_dict


def test_only_the_division_leader_approves_r_x_major(group, staff_user, department_head):
    violation = approval_submit(obj=record(group[0], staff_user), actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=violation, actor=department_head)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=violation, actor=staff_user)
    group[0].refresh_from_db()
    assert group[0].status == PartnerStatus.ACTIVE


def test_approval_applies_every_consequence_r_x_exit(group, staff_user, division_leader):
    violator, sister, other = group
    violation = approval_submit(obj=record(violator, staff_user), actor=staff_user)
    approval_approve(obj=violation, actor=division_leader)

    # R-K-MAJOR: credit 0 at once, published with the decision
    score = MonthlyCreditScore.objects.get(partner=violator, month=D(2026, 10, 1))
    assert (score.score, score.grade, score.status) == (Decimal("0"), "X", ApprovalStatus.APPROVED)
    assert score.items[0]["rule"] == "R-K-MAJOR" and score.major_violation_id == violation.pk

    # R-X-EXIT: terminated, contracts end-dated, settlement stopped from the first of the month, re-entry banned
    violator.refresh_from_db()
    assert violator.status == PartnerStatus.TERMINATED
    assert set(violator.contracts.values_list("end_date", flat=True)) == {D(2026, 10, 20)}
    assert violator.reentry_banned_until == D(2028, 10, 20)
    settlement = action_allowed(partner=violator, action=A.SETTLEMENT, on=D(2026, 10, 1))
    assert not settlement.allowed and settlement.rule_ids == ["R-X-EXIT"]
    assert action_allowed(partner=violator, action=A.SETTLEMENT, on=D(2026, 9, 30)).allowed
    assert not action_allowed(partner=violator, action=A.APPLY_CODES, on=D(2026, 10, 20)).allowed

    # R-K-LINKED: every other partner of the group, all cooperation and settlement, until settled
    for action in (A.ALL_COOPERATION, A.SETTLEMENT, A.APPLY_CODES, A.PROMOTE):
        verdict = action_allowed(partner=sister, action=action, on=D(2026, 10, 20))
        assert not verdict.allowed and "R-K-LINKED" in verdict.rule_ids
        assert "关联公司 BAD" in verdict.reasons[0]
    assert action_allowed(partner=sister, action=A.SETTLEMENT, on=D(2026, 10, 19)).allowed
    assert action_allowed(partner=other, action=A.SETTLEMENT, on=D(2026, 10, 20)).allowed

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partner_terminate", "partner_reentry_ban", "credit_score_major_violation", "restriction_create",
            "approve"} <= actions


def test_settling_the_penalty_lifts_linked_penalties_only_r_k_linked(group, staff_user, division_leader):
    violator, sister, _ = group
    violation = approval_submit(obj=record(violator, staff_user), actor=staff_user)
    violation = approval_approve(obj=violation, actor=division_leader)

    lifted = linked_penalties_settle(partner=violator, on=D(2027, 1, 10), note="违约金已从关联公司结算款中扣缴",
                                     actor=staff_user)
    assert lifted == 2
    assert action_allowed(partner=sister, action=A.SETTLEMENT, on=D(2027, 1, 10)).allowed
    assert not action_allowed(partner=sister, action=A.SETTLEMENT, on=D(2027, 1, 9)).allowed
    assert not action_allowed(partner=violator, action=A.SETTLEMENT, on=D(2027, 1, 10)).allowed  # R-X-EXIT stays
    violation.refresh_from_db()
    assert violation.penalty_settled_on == D(2027, 1, 10)
    assert AuditEvent.objects.filter(action="penalty_settle", rule_id="R-K-LINKED").exists()


def test_major_violation_overrides_an_approved_score_and_cancels_pending_sanctions_r_k_major(
    group, staff_user, division_leader, publish
):
    violator = group[0]
    score = publish(MonthlyCreditScoreFactory(partner=violator, month=D(2026, 10, 1), grade="C",
                                              score=Decimal("500"), monthly_score=Decimal("500")))
    pending = list(CreditSanction.objects.filter(credit_score=score))
    assert pending

    violation = approval_submit(obj=record(violator, staff_user), actor=staff_user)
    approval_approve(obj=violation, actor=division_leader)
    score.refresh_from_db()
    assert score.score == 0 and score.major_violation_id == violation.pk
    event = AuditEvent.objects.get(action="credit_score_major_violation")
    assert event.data["before"]["score"] == "500.00"
    assert all(s.status == SanctionStatus.CANCELLED
               for s in CreditSanction.objects.filter(pk__in=[p.pk for p in pending]))


def test_job_keeps_the_major_violation_score_and_stops_after_termination_r_k_major(
    group, staff_user, division_leader
):
    violator, sister, _ = group
    violation = approval_submit(obj=record(violator, staff_user), actor=staff_user)
    approval_approve(obj=violation, actor=division_leader)

    counts = credit_scoring_run(month=D(2026, 10, 1))
    assert counts["unchanged"] == 1 and counts["created"] == 1
    assert MonthlyCreditScore.objects.get(partner=violator, month=D(2026, 10, 1)).score == 0
    credit_scoring_run(month=D(2026, 11, 1))
    assert not MonthlyCreditScore.objects.filter(partner=violator, month=D(2026, 11, 1)).exists()
    assert MonthlyCreditScore.objects.filter(partner=sister, month=D(2026, 11, 1)).exists()
