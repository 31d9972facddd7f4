"""The one approval workflow (core.approval): draft → submitted → approved / returned, role-gated, audited,
no self-approval, and concurrent approvals applied once."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from core.approval import (
    ApprovalError,
    approvable_kind,
    approvable_register,
    approval_approve,
    approval_bulk,
    approval_refusal,
    approval_return,
    approval_submit,
)
from core.audit import audit_trail
from core.choices import ApprovalStatus, ApproverRole
from core.models import AuditEvent
from enforcement.models import Restriction
from partners.services import partner_user_create
from scoring.models import MonthlyAssessment, PenaltyProposal
from tests.factories import PartnerFactory, UserFactory
from tests.scoring.factories import make_assessment, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def replace_on_approved():
    """Swap a registered kind's on_approved hook for the test, restoring the registration afterwards."""
    saved = []

    def replace(model, hook):
        kind = approvable_kind(model)
        saved.append(kind)
        approvable_register(model, on_approved=hook, problems=kind.problems)
        return kind.on_approved

    yield replace
    for kind in reversed(saved):
        approvable_register(kind.model, on_approved=kind.on_approved, problems=kind.problems)


@pytest.fixture
def assessment():
    return make_assessment(PartnerFactory(code="AP1"))


@pytest.fixture
def second_leader(division_leader):
    user = UserFactory(is_staff=True, username="division_leader_2")
    user.groups.add(*division_leader.groups.all())
    return user


def test_submit_then_approve_publishes_with_one_audit_row_each(assessment, staff_user, division_leader):
    submitted = approval_submit(obj=assessment, actor=staff_user, note="10月结果")
    assert submitted.status == ApprovalStatus.SUBMITTED and submitted.submitted_by == staff_user
    approved = approval_approve(obj=submitted, actor=division_leader, note="同意")
    assert approved.status == ApprovalStatus.APPROVED and approved.approved_by == division_leader
    assert approved.approved_at is not None and approved.is_approved
    trail = list(audit_trail(assessment).order_by("at", "id"))
    assert [(e.action, e.from_status, e.to_status, e.actor, e.reason, e.rule_id) for e in trail] == [
        ("submit", "draft", "submitted", staff_user, "10月结果", "R-M-APPROVAL"),
        ("approve", "submitted", "approved", division_leader, "同意", "R-M-APPROVAL"),
    ]


def test_submit_needs_the_operations_role_CONTRACT_4(assessment, division_leader, department_head):
    for not_ops in (division_leader, department_head, UserFactory(username="bare_staff", is_staff=True)):
        with pytest.raises(PermissionDenied, match="运营人员"):
            approval_submit(obj=assessment, actor=not_ops)
    assert MonthlyAssessment.objects.get(pk=assessment.pk).status == ApprovalStatus.DRAFT


def test_only_staff_submit(assessment, partner_a):
    partner_user = partner_user_create(username="pa_user", partner_code=partner_a.code)
    with pytest.raises(PermissionDenied):
        approval_submit(obj=assessment, actor=partner_user)
    assessment.refresh_from_db()
    assert assessment.status == ApprovalStatus.DRAFT
    assert not AuditEvent.objects.filter(action="submit").exists()


@pytest.mark.parametrize("approver", ["staff_user", "department_head"])
def test_approval_needs_the_models_approver_role(request, assessment, staff_user, approver):
    approval_submit(obj=assessment, actor=staff_user)
    with pytest.raises(PermissionDenied, match="分管领导"):
        approval_approve(obj=assessment, actor=request.getfixturevalue(approver))
    with pytest.raises(PermissionDenied):
        approval_return(obj=assessment, actor=request.getfixturevalue(approver), reason="x")


def test_inactive_leader_cannot_approve(assessment, staff_user, division_leader):
    approval_submit(obj=assessment, actor=staff_user)
    division_leader.is_active = False
    division_leader.save()
    with pytest.raises(PermissionDenied):
        approval_approve(obj=assessment, actor=division_leader)


def test_superuser_may_approve_what_someone_else_submitted(assessment, staff_user):
    approval_submit(obj=assessment, actor=staff_user)
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    assert approval_approve(obj=assessment, actor=boss).status == ApprovalStatus.APPROVED


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-instance", "stale-instance"])
def test_self_approval_is_refused(assessment, division_leader, fresh):
    division_leader.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))  # one login, both roles
    submitted = approval_submit(obj=assessment, actor=division_leader)
    with pytest.raises(PermissionDenied, match="自己提交"):
        # the check runs on the row as stored, whatever copy the caller holds
        approval_approve(obj=submitted if fresh else assessment, actor=division_leader)
    assessment.refresh_from_db()
    assert assessment.status == ApprovalStatus.SUBMITTED


def test_approving_a_draft_is_not_a_transition(assessment, division_leader):
    with pytest.raises(ApprovalError, match="草稿") as refused:
        approval_approve(obj=assessment, actor=division_leader)
    assert "不能执行“审批发布”" in refused.value.messages[0]
    assert not AuditEvent.objects.exists()


def test_refusals_name_the_action_in_chinese(assessment, division_leader):
    assert "不能执行“审批发布”" in approval_refusal(user=division_leader, obj=assessment, action="approve")
    assert "不能执行“退回”" in approval_refusal(user=division_leader, obj=assessment, action="return")


def test_return_needs_a_reason_then_resubmit_and_approve(assessment, staff_user, division_leader):
    approval_submit(obj=assessment, actor=staff_user)
    with pytest.raises(ValidationError, match="原因"):
        approval_return(obj=assessment, actor=division_leader, reason="  ")
    returned = approval_return(obj=assessment, actor=division_leader, reason="收入待核实")
    assert returned.status == ApprovalStatus.RETURNED
    with pytest.raises(ApprovalError):
        approval_approve(obj=returned, actor=division_leader)
    resubmitted = approval_submit(obj=returned, actor=staff_user)
    assert approval_approve(obj=resubmitted, actor=division_leader).status == ApprovalStatus.APPROVED
    assert [e.action for e in audit_trail(assessment).order_by("at", "id")] == ["submit", "return", "submit",
                                                                                "approve"]


def test_bulk_applies_each_with_the_same_checks(staff_user, division_leader):
    rows = [make_assessment(PartnerFactory(code=f"BK{i}")) for i in range(3)]
    division_leader.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))  # one login, both roles
    approval_submit(obj=rows[0], actor=division_leader)  # the leader's own: must not approve it
    approval_submit(obj=rows[1], actor=staff_user)
    done, errors = approval_bulk(objs=rows, actor=division_leader, action="approve", note="批量")
    assert done == 1 and len(errors) == 2
    assert any("自己提交" in e for e in errors) and any("草稿" in e for e in errors)
    assert dict(MonthlyAssessment.objects.values_list("partner__code", "status")) == {
        "BK0": "submitted", "BK1": "approved", "BK2": "draft"}


def test_on_approved_failure_rolls_the_approval_back(assessment, staff_user, division_leader, replace_on_approved):
    approval_submit(obj=assessment, actor=staff_user)

    def explode(*, obj, actor):
        raise RuntimeError("hook failed")

    replace_on_approved(MonthlyAssessment, explode)
    with pytest.raises(RuntimeError):
        approval_approve(obj=assessment, actor=division_leader)
    assessment.refresh_from_db()
    assert assessment.status == ApprovalStatus.SUBMITTED and assessment.approved_by is None
    assert not AuditEvent.objects.filter(action="approve").exists()


def test_approval_problems_hook_blocks_the_transition(staff_user, division_leader):
    partner = PartnerFactory(code="AP2")
    higher = make_proposal(partner, level=2)
    lower = make_proposal(partner, level=1)
    approval_submit(obj=lower, actor=staff_user)
    PenaltyProposal.objects.filter(pk=lower.pk).update(superseded_by=higher)  # superseded after submission
    with pytest.raises(ApprovalError, match="取代"):
        approval_approve(obj=lower, actor=division_leader)


def test_a_stale_copy_cannot_approve_twice(staff_user, division_leader, second_leader):
    """Two leaders holding the same page: the second approval re-reads the row under lock and is refused."""
    proposal = make_proposal(PartnerFactory(code="AP3"))
    approval_submit(obj=proposal, actor=staff_user)
    first, second = PenaltyProposal.objects.get(pk=proposal.pk), PenaltyProposal.objects.get(pk=proposal.pk)
    approval_approve(obj=first, actor=division_leader)
    with pytest.raises(ApprovalError, match="已审批发布"):
        approval_approve(obj=second, actor=second_leader)
    assert AuditEvent.objects.filter(action="approve").count() == 1
    assert Restriction.objects.count() == 2  # the measures were registered once


def test_conditional_update_refuses_a_save_from_a_stale_state(assessment):
    """The conditional UPDATE … WHERE status = <state read> of ConcurrentTransitionMixin."""
    first, second = MonthlyAssessment.objects.get(pk=assessment.pk), MonthlyAssessment.objects.get(pk=assessment.pk)
    first.submit()
    first.save()
    second.submit()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert MonthlyAssessment.objects.get(pk=assessment.pk).status == ApprovalStatus.SUBMITTED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule set and groups
def test_two_leaders_approving_at_once_apply_it_once(staff_user, division_leader, second_leader,
                                                     replace_on_approved):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks between real connections (see the stale-copy tests for SQLite)")
    proposal = make_proposal(PartnerFactory(code="AP4"))
    approval_submit(obj=proposal, actor=staff_user)

    original = approvable_kind(PenaltyProposal).on_approved

    def slow_on_approved(*, obj, actor):
        time.sleep(0.3)  # hold the row lock while the other leader's approval waits on it
        original(obj=obj, actor=actor)

    replace_on_approved(PenaltyProposal, slow_on_approved)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve_as(leader):
        try:
            stale = PenaltyProposal.objects.get(pk=proposal.pk)
            barrier.wait()
            approval_approve(obj=stale, actor=leader)
            outcomes.append("approved")
        except ApprovalError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_as, args=(leader,)) for leader in (division_leader, second_leader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused"]
    assert AuditEvent.objects.filter(action="approve", object_id=str(proposal.pk)).count() == 1
    assert Restriction.objects.filter(partner__code="AP4").count() == 2
