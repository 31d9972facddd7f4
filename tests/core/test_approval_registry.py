"""The registry of approvable kinds (core.approval): every approvable model is listed once, with its hooks,
and ``approval_refusal`` answers "may this user act on this row now?" with the transitions' own checks."""

import pytest
from django.apps import apps

from core.approval import approvable_kind, approvable_kinds, approval_refusal, approval_submit
from core.models import Approvable
from partners.models import Partner
from scoring.models import MonthlyAssessment, PenaltyProposal
from tests.factories import PartnerFactory
from tests.scoring.factories import make_assessment, make_proposal


def test_every_concrete_approvable_model_is_registered():
    concrete = {m for m in apps.get_models() if issubclass(m, Approvable)}
    registered = {kind.model for kind in approvable_kinds()}
    assert concrete and concrete == registered


def test_every_registered_kind_locks_or_registers_something_on_approval():
    assert all(kind.on_approved is not None for kind in approvable_kinds())


def test_a_kind_gives_its_label_rule_id_and_approver_role():
    kind = approvable_kind(MonthlyAssessment)
    assert kind is approvable_kind(MonthlyAssessment())
    assert kind.label == MonthlyAssessment._meta.verbose_name_plural
    assert kind.rule_id == "R-M-APPROVAL"
    assert kind.approver_role_for(MonthlyAssessment()) == MonthlyAssessment.approver_role


def test_an_unregistered_model_is_a_lookup_error():
    with pytest.raises(LookupError):
        approvable_kind(Partner)


@pytest.mark.django_db
def test_approval_refusal_names_role_own_submission_state_and_problems(staff_user, division_leader):
    assessment = make_assessment(PartnerFactory(code="RG1"))
    assert approval_refusal(user=staff_user, obj=assessment, action="submit") is None
    assert "草稿" in approval_refusal(user=division_leader, obj=assessment, action="approve")
    approval_submit(obj=assessment, actor=staff_user)
    assessment.refresh_from_db()
    assert "角色" in approval_refusal(user=staff_user, obj=assessment, action="approve")
    assert approval_refusal(user=division_leader, obj=assessment, action="approve") is None
    assert approval_refusal(user=division_leader, obj=assessment, action="return") is None

    partner = PartnerFactory(code="RG2")
    lower = make_proposal(partner, level=1)
    approval_submit(obj=lower, actor=staff_user)
    PenaltyProposal.objects.filter(pk=lower.pk).update(superseded_by=make_proposal(partner, level=2))
    lower = PenaltyProposal.objects.get(pk=lower.pk)
    assert "取代" in approval_refusal(user=division_leader, obj=lower, action="approve")


@pytest.mark.django_db
def test_approval_refusal_refuses_approving_ones_own_submission(division_leader):
    from django.contrib.auth.models import Group

    from core.choices import ApproverRole

    division_leader.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))  # one login, both roles
    assessment = make_assessment(PartnerFactory(code="RG3"))
    approval_submit(obj=assessment, actor=division_leader)
    assessment.refresh_from_db()
    assert "自己提交" in approval_refusal(user=division_leader, obj=assessment, action="approve")
