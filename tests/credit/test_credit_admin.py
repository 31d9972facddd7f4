"""The credit admin: pages render with data, actions call the services (apply, choose, return, review, settle)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.approval import approval_submit
from core.choices import ApprovalStatus
from core.models import AuditEvent
from credit.choices import SanctionCode, SanctionStatus
from credit.models import (
    CalendarOverride,
    CompanyImportanceEvidence,
    CreditSanction,
    MajorViolation,
    ManualItemScore,
    MonthlyCreditScore,
)
from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from tests.factories import PartnerFactory, RelatedGroupFactory

from .factories import (
    CalendarOverrideFactory,
    CompanyImportanceEvidenceFactory,
    MajorViolationFactory,
    ManualItemScoreFactory,
    MonthlyCreditScoreFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [MonthlyCreditScore, CreditSanction, MajorViolation, CompanyImportanceEvidence, ManualItemScore,
          CalendarOverride]


def url(model, view, *args):
    return reverse(f"admin:credit_{model._meta.model_name}_{view}", args=args)


def act(client, model, action, objs, **extra):
    return client.post(url(model, "changelist"), {"action": action, "_selected_action": [o.pk for o in objs],
                                                  **extra})


@pytest.fixture
def d_graded(publish):
    score = MonthlyCreditScoreFactory(grade="D", score=Decimal("350"), monthly_score=Decimal("350"), items=[
        {"rule": "R-K-HEALTH", "item": "health", "name": "健康度", "points": 0, "weight": 0.25, "detail": "通报 4 次"}],
        months=[{"month": "2026-10", "monthly_score": 350, "weight": 1.0, "configured_weight": 0.5}])
    return publish(score, on=dt.date(2026, 9, 30))


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_pages_render_with_data(admin_client, d_graded, model):
    CompanyImportanceEvidenceFactory()
    MajorViolationFactory()
    ManualItemScoreFactory()
    CalendarOverrideFactory()
    assert admin_client.get(url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_overdue_and_linked_filters(admin_client, d_graded):
    for query in ({"overdue": "yes"}, {"overdue": "no"}, {"linked": "yes"}, {"linked": "no"}):
        assert admin_client.get(url(CreditSanction, "changelist"), query).status_code == 200


def test_apply_actions_register_restrictions_r_k_range(admin_client, d_graded):
    sanctions = list(CreditSanction.objects.filter(credit_score=d_graded))
    act(admin_client, CreditSanction, "apply_now", sanctions)
    statuses = dict(CreditSanction.objects.values_list("code", "status"))
    assert statuses.pop(SanctionCode.SUSPEND_BILLING_OR_PROMOTION) == SanctionStatus.PENDING  # needs a choice
    assert set(statuses.values()) == {SanctionStatus.APPLIED}

    act(admin_client, CreditSanction, "apply_phone_bill", sanctions)
    choice = CreditSanction.objects.get(code=SanctionCode.SUSPEND_BILLING_OR_PROMOTION)
    assert choice.status == SanctionStatus.APPLIED and choice.action == RestrictedAction.PHONE_BILL_CHARGING
    today = choice.applied_on
    assert not action_allowed(partner=choice.partner, action=RestrictedAction.PHONE_BILL_CHARGING, on=today).allowed


def test_choice_can_be_set_while_pending_only(admin_client, d_graded):
    choice = CreditSanction.objects.get(code=SanctionCode.SUSPEND_BILLING_OR_PROMOTION)
    response = admin_client.post(url(CreditSanction, "change", choice.pk), {"action": RestrictedAction.SETTLEMENT})
    assert response.status_code == 200 and "只能选择" in response.content.decode()
    response = admin_client.post(url(CreditSanction, "change", choice.pk),
                                 {"action": RestrictedAction.CLIENT_PROMOTION})
    assert response.status_code == 302
    choice.refresh_from_db()
    assert choice.action == RestrictedAction.CLIENT_PROMOTION
    assert AuditEvent.objects.filter(action="credit_sanction_edit").exists()


def test_return_asks_for_a_reason(admin_client, staff_user):
    score = approval_submit(obj=MonthlyCreditScoreFactory(), actor=staff_user)
    page = act(admin_client, MonthlyCreditScore, "return_selected", [score])
    assert page.status_code == 200 and "退回原因" in page.content.decode()
    act(admin_client, MonthlyCreditScore, "return_selected", [score], confirm="yes", text="基础项得分待核实")
    score.refresh_from_db()
    assert score.status == ApprovalStatus.RETURNED


def test_review_with_minutes_and_settle_penalty_actions(admin_client, staff_user):
    evidence = approval_submit(obj=CompanyImportanceEvidenceFactory(), actor=staff_user)
    act(admin_client, CompanyImportanceEvidence, "review_approve", [evidence], confirm="yes",
        text="拓展中心评审会纪要第12期")
    evidence.refresh_from_db()
    assert evidence.status == ApprovalStatus.APPROVED and evidence.effective_from is not None

    group = RelatedGroupFactory()
    violator, sister = PartnerFactory(related_group=group), PartnerFactory(related_group=group)
    violation = approval_submit(obj=MajorViolationFactory(partner=violator, effective_on=dt.date(2026, 10, 20)),
                                actor=staff_user)
    act(admin_client, MajorViolation, "approve_selected", [violation])
    assert not action_allowed(partner=sister, action=RestrictedAction.SETTLEMENT, on=dt.date(2026, 10, 20)).allowed
    act(admin_client, MajorViolation, "settle_penalty", [violation], confirm="yes", text="处罚已执行完毕")
    violation.refresh_from_db()
    assert violation.penalty_settled_on is not None


def test_major_violation_added_in_the_admin_is_recorded_and_audited(admin_client):
    partner = PartnerFactory()
    response = admin_client.post(url(MajorViolation, "add"), {
        "partner": partner.pk, "category": "customer_data_leak", "occurred_on": "2026-10-08",
        "description": "泄露用户手机号", "evidence": "网信办通报", "decision": "终止合作",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    violation = MajorViolation.objects.get()
    assert violation.recorded_by.username == "admin" and violation.status == ApprovalStatus.DRAFT
    assert AuditEvent.objects.filter(action="major_violation_record").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"month": "2026-10-01", "item": "health", "points": "80"}, "item"),
     ({"month": "2026-10-15", "item": "base_standard", "points": "80"}, "month"),
     ({"month": "2026-10-01", "item": "base_standard", "points": "100.01"}, "points")],
)
def test_manual_base_item_entry_is_validated_r_k_compose(admin_client, data, field):
    partner = PartnerFactory()
    response = admin_client.post(url(ManualItemScore, "add"), {"partner": partner.pk, "note": "", **data})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ManualItemScore.objects.exists()


def test_manual_base_item_entry_is_saved_by_the_service_r_k_compose(admin_client):
    partner = PartnerFactory()
    response = admin_client.post(url(ManualItemScore, "add"), {
        "partner": partner.pk, "month": "2026-10-01", "item": "base_standard", "points": "72.5", "note": "母公司评分"})
    assert response.status_code == 302
    record = ManualItemScore.objects.get()
    assert record.points == Decimal("72.5") and record.entered_by.username == "admin"
    assert AuditEvent.objects.filter(action="manual_item_score_set", rule_id="R-K-COMPOSE").exists()
