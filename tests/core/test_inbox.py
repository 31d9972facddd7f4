"""The approval inbox (待我审批) lists exactly what the signed-in user may approve, for every registered kind; the
detail page shows the approval buttons to those allowed and says why to the others."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.approval import approvable_kinds, approval_refusal
from core.choices import ApprovalStatus, ApproverRole
from core.selectors import approval_inbox
from tests import factories
from tests.api.isolation_data import MAKERS

pytestmark = pytest.mark.django_db

OPS, HEAD, LEADER = ApproverRole.OPERATIONS, ApproverRole.DEPARTMENT_HEAD, ApproverRole.DIVISION_LEADER


def _extra_penalty(partner):
    from controls.services import extra_penalty_create
    from enforcement.choices import RestrictedAction

    return extra_penalty_create(partner=partner, action=RestrictedAction.PROMOTE, cooperation_type="sales_channel",
                                starts_on=dt.date(2026, 10, 10), ends_on=dt.date(2026, 11, 10), reason="专题会决定")


def _score_action(partner):
    from newspaper.choices import ScoreActionKind
    from newspaper.models import ScoreAction
    from scoring.models import RuleSet
    from tests.api.isolation_data import _newspaper_listed

    return ScoreAction.objects.create(product=_newspaper_listed(partner), year=2026, kind=ScoreActionKind.WARNING,
                                      score=55, threshold=60, proposed_on=dt.date(2026, 12, 1),
                                      rule_set=RuleSet.objects.get(version=1))


def _activation_request(partner):
    from backtest.models import RuleSetActivationRequest
    from scoring.models import RuleSet
    from scoring.services import rule_set_copy_as_draft

    draft = rule_set_copy_as_draft(source=RuleSet.objects.get(version=1),
                                   actor=factories.UserFactory(username=f"rules_{partner.code}", is_staff=True))
    return RuleSetActivationRequest.objects.create(rule_set=draft, effective_from=dt.date(2027, 1, 1))


def _override(partner):
    from tests.api.isolation_data import _assessment_override

    return _assessment_override(partner, status="draft")


#: model label → (maker, the role that approves it as made)
KIND_MAKERS = {
    "scoring.MonthlyAssessment": (MAKERS["assessment"], LEADER),
    "scoring.PenaltyProposal": (MAKERS["penalty-proposal"], LEADER),
    "credit.MonthlyCreditScore": (MAKERS["credit-score"], LEADER),
    "credit.MajorViolation": (MAKERS["major-violation"], LEADER),
    "credit.CompanyImportanceEvidence": (MAKERS["company-importance"], HEAD),
    "settlement.SettlementStatement": (MAKERS["settlement"], LEADER),
    "controls.ControlEvent": (MAKERS["control-event"], HEAD),
    "controls.ExtraPenalty": (_extra_penalty, LEADER),
    "codes.CodeApplication": (MAKERS["code-application"], OPS),  # at the initial review step (R-B-REVIEW)
    "codes.CodeChangeRequest": (MAKERS["code-change-request"], HEAD),
    "codes.CodeRecyclingProposal": (MAKERS["code-recycling-proposal"], HEAD),
    "newspaper.ProductTest": (MAKERS["newspaper-test"], HEAD),
    "newspaper.Breach": (MAKERS["newspaper-breach"], HEAD),
    "newspaper.ScoreAction": (_score_action, LEADER),
    "backtest.RuleSetActivationRequest": (_activation_request, LEADER),
    "overrides.DecisionOverride": (_override, LEADER),  # of an assessment item (R-M-APPROVAL)
}


def login(username, *roles):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def submitted(label: str, partner, *, by):
    from django.apps import apps

    maker, _role = KIND_MAKERS[label]
    obj = maker(partner)
    model = apps.get_model(label)
    extra = {"stage": "initial_review"} if label == "codes.CodeApplication" else {}
    model.objects.filter(pk=obj.pk).update(status=ApprovalStatus.SUBMITTED, submitted_by=by,
                                           submitted_at=timezone.now() - dt.timedelta(days=3), **extra)
    return model.objects.get(pk=obj.pk)


def listed(user) -> dict[str, list[int]]:
    return {group.label: [item["obj"].pk for item in group.items] for group in approval_inbox(user=user)}


def test_every_registered_kind_has_an_inbox_test():
    assert {kind.model._meta.label for kind in approvable_kinds()} == set(KIND_MAKERS)


@pytest.mark.parametrize("label", sorted(KIND_MAKERS))
def test_inbox_lists_exactly_what_the_user_may_approve(label, client):
    role = KIND_MAKERS[label][1]
    submitter = login("inbox_ops", OPS)
    approver = login("inbox_approver", role)
    others = [login(f"inbox_{r}", r) for r in (OPS, HEAD, LEADER) if r != role]
    obj = submitted(label, factories.PartnerFactory(code="IB1"), by=submitter)
    kind_label = str(obj._meta.verbose_name_plural)

    assert listed(approver) == {kind_label: [obj.pk]}
    (item,) = approval_inbox(user=approver)[0].items
    # allowed now, or only what the approver records while approving is missing (shown as the item's note)
    assert approval_refusal(user=approver, obj=obj, action="approve") in (None, item["note"])
    for other in [submitter, *others]:
        assert kind_label not in listed(other), other.username
        assert approval_refusal(user=other, obj=obj, action="approve") is not None

    both = login("inbox_both", OPS, role)  # one's own submission is never in one's inbox
    own = submitted(label, factories.PartnerFactory(code="IB2"), by=both)
    assert own.pk not in listed(both).get(kind_label, [])
    assert listed(both).get(kind_label) == [obj.pk] or role == OPS and obj.pk in listed(both)[kind_label]

    client.force_login(approver)
    page = client.get(reverse("approval-inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(obj) in html and kind_label in html and "3 天" in html


def test_superseded_proposals_leave_the_leaders_inbox_r_d_warn(staff_user, division_leader):
    from core.approval import approval_submit
    from scoring.models import PenaltyProposal
    from tests.scoring.test_penalty_proposals import notify

    partner = factories.PartnerFactory(code="IB3")
    notify(partner, 3, 5)  # level 1 reached
    level_1 = PenaltyProposal.objects.get(partner=partner)
    approval_submit(obj=level_1, actor=staff_user)
    assert [item["obj"].pk for group in approval_inbox(user=division_leader) for item in group.items] == [level_1.pk]
    notify(partner, 10, 5)  # level 2: the pending level-1 proposal is superseded
    level_1.refresh_from_db()
    assert level_1.is_superseded and level_1.status == ApprovalStatus.RETURNED
    assert approval_inbox(user=division_leader) == []


def test_what_remains_to_do_before_approval_is_shown_not_hidden(department_head, staff_user):
    evidence = submitted("credit.CompanyImportanceEvidence", factories.PartnerFactory(code="IB5"), by=staff_user)
    (group,) = approval_inbox(user=department_head)
    assert group.items[0]["obj"] == evidence and "会议纪要" in group.items[0]["note"]


def test_detail_page_shows_buttons_to_the_approver_and_the_reason_to_others(client, staff_user, division_leader):
    obj = submitted("scoring.MonthlyAssessment", factories.PartnerFactory(code="IB4"), by=staff_user)
    url = reverse("admin:scoring_monthlyassessment_change", args=[obj.pk])
    client.force_login(division_leader)
    html = client.get(url).content.decode()
    assert 'data-approval-action="approve"' in html and 'data-approval-action="return"' in html
    assert "状态记录" in html
    client.force_login(staff_user)
    html = client.get(url).content.decode()
    assert 'data-approval-action="approve"' not in html and "需要“分管领导”角色" in html

    approve_url = reverse("admin:scoring_monthlyassessment_approval", args=[obj.pk, "return"])
    client.force_login(division_leader)
    client.post(approve_url, {"text": ""})
    obj.refresh_from_db()
    assert obj.status == ApprovalStatus.SUBMITTED  # a return needs a reason
    client.post(approve_url, {"text": "收入待核实"})
    obj.refresh_from_db()
    assert obj.status == ApprovalStatus.RETURNED
    html = client.get(url).content.decode()
    assert "收入待核实" in html and "退回" in html


def test_result_titles_read_code_name_type_and_month():
    from tests.scoring.factories import make_assessment

    partner = factories.PartnerFactory(code="DEMO014", name="某某公司")
    assert str(make_assessment(partner, month=dt.date(2026, 11, 1))) == "DEMO014 某某公司 · 数字产品销售渠道 · 2026-11"


def test_money_in_the_admin_has_thousands_separators_and_two_decimals(admin_client):
    from decimal import Decimal

    from core.admin import money_text
    from tests.settlement.factories import SettlementStatementFactory

    assert money_text(Decimal("1234567.5")) == "1,234,567.50" and money_text(Decimal("-30")) == "-30.00"
    SettlementStatementFactory(contract=factories.ContractFactory(), revenue=Decimal("1234567.50"))
    html = admin_client.get(reverse("admin:settlement_settlementstatement_changelist")).content.decode()
    assert "1,234,567.50" in html
