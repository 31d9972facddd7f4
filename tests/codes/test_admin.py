"""The admin: staff work the batch with the eligibility numbers visible, review through the admin forms."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from codes.choices import ReviewStep
from codes.models import CodeApplication, CodeBatch, CodeRecyclingProposal, PartnerExit
from core.choices import ApprovalStatus, ApproverRole
from tests.factories import ContractFactory, UserFactory

from .factories import BusinessCodeFactory, CodeMonthlyStatFactory, CodeRecyclingProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_ops(client):
    user = UserFactory(username="admin_ops", is_staff=True, is_superuser=True)
    user.groups.add(*Group.objects.filter(name__in=ApproverRole.values))
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["businesscode", "codemonthlystat", "codebatch", "codeapplication",
                                   "codechangerequest", "coderecyclingproposal", "partnerexit", "internalunit"])
def test_changelists_load(model, admin_client_ops):
    BusinessCodeFactory()
    assert admin_client_ops.get(reverse(f"admin:codes_{model}_changelist")).status_code == 200
    assert admin_client_ops.get(reverse(f"admin:codes_{model}_changelist"), {"q": "x"}).status_code == 200


def test_staff_file_review_and_see_numbers_in_the_admin(admin_client_ops, client):
    contract = ContractFactory(start_date=dt.date(2020, 1, 1))
    response = admin_client_ops.post(reverse("admin:codes_codeapplication_add"), {
        "contract": contract.pk, "kind": "monthly", "category": "channel_exclusive", "name": "后台申请",
        "cp": "CP", "price": "12.50", "description": "", "requested_code": "", "requesting_department": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    application = CodeApplication.objects.get()
    assert application.created_by.username == "admin_ops"
    batch = application.batch
    page = admin_client_ops.get(reverse("admin:codes_codebatch_change", args=[batch.pk])).content.decode()
    assert "R-B-FIRST" in page and "首批限额" in page
    page = admin_client_ops.get(reverse("admin:codes_codeapplication_change", args=[application.pk])).content.decode()
    assert "R-B-BLOCK" in page

    admin_client_ops.post(reverse("admin:codes_codebatch_changelist"),
                          {"action": "close_batch", "_selected_action": [batch.pk]})
    application.refresh_from_db()
    assert application.status == ApprovalStatus.SUBMITTED and CodeBatch.objects.get().status == "closed"

    review_url = reverse("admin:codes_codeapplication_review", args=[application.pk])
    page = admin_client_ops.get(review_url).content.decode()
    assert "产品功能完整" in page and "客服流程完善" in page
    # the applicant cannot review their own application: the form shows why
    page = admin_client_ops.post(review_url, {"check_product_function": "on"}).content.decode()
    assert "自己" in page
    reviewer = UserFactory(username="rev_admin", is_staff=True)
    reviewer.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))
    client.force_login(reviewer)
    checks = {f"check_{k}": "on" for k in ["product_function", "billing_display", "promotion_plan",
                                            "data_analysis", "customer_service"]}
    assert client.post(review_url, {**checks, "comment": "符合"}).status_code == 302
    assert application.reviews.count() == 1
    assert CodeApplication.objects.get().stage == ReviewStep.INITIAL_REVIEW


def test_process_actions_ask_for_a_note(admin_client_ops):
    proposal = CodeRecyclingProposalFactory(status=ApprovalStatus.DRAFT)
    url = reverse("admin:codes_coderecyclingproposal_changelist")
    page = admin_client_ops.post(url, {"action": "submit_selected", "_selected_action": [proposal.pk]})
    assert page.status_code == 200 and "组内评估意见" in page.content.decode()
    admin_client_ops.post(url, {"action": "submit_selected", "_selected_action": [proposal.pk], "confirm": "yes",
                                "text": "同意"})
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.SUBMITTED and proposal.assessment_note == "同意"
    # the same person cannot also approve what they submitted
    admin_client_ops.post(url, {"action": "approve_selected", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.SUBMITTED


def test_exit_registered_and_proposed_in_the_admin(admin_client_ops):
    code = BusinessCodeFactory(kind="per_use")
    CodeMonthlyStatFactory(code=code)
    response = admin_client_ops.post(reverse("admin:codes_partnerexit_add"), {
        "partner": code.partner.pk, "cooperation_type": "", "exit_date": "2026-10-20", "reason": "termination",
        "service_can_continue": "on", "note": "",
    })
    assert response.status_code == 302
    partner_exit = PartnerExit.objects.get()
    admin_client_ops.post(reverse("admin:codes_partnerexit_changelist"),
                          {"action": "propose", "_selected_action": [partner_exit.pk]})
    assert CodeRecyclingProposal.objects.get().action == "recycle"


def test_existing_code_entered_and_activated_in_the_admin(admin_client_ops):
    contract = ContractFactory(start_date=dt.date(2020, 1, 1))
    response = admin_client_ops.post(reverse("admin:codes_businesscode_add"), {
        "code": "LEGACY1", "name": "存量代码", "kind": "monthly", "category": "ringback_monthly",
        "owner_kind": "partner", "contract": contract.pk, "internal_unit": "", "cp": "CP", "price": "6.00",
        "effective_date": "2022-03-01", "attributes": "{}",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    from codes.models import BusinessCode

    code = BusinessCode.objects.get(code="LEGACY1")
    assert code.partner == contract.partner and code.status == "applied"
    admin_client_ops.post(reverse("admin:codes_businesscode_changelist"),
                          {"action": "activate_today", "_selected_action": [code.pk]})
    code.refresh_from_db()
    assert (code.status, code.effective_date) == ("active", dt.date(2022, 3, 1))
    response = admin_client_ops.post(reverse("admin:codes_businesscode_add"), {
        "code": "BAD", "name": "x", "kind": "monthly", "category": "other", "owner_kind": "internal",
        "contract": contract.pk, "internal_unit": "", "cp": "", "price": "1", "effective_date": "",
        "attributes": "{}",
    })
    assert response.status_code == 200 and "内部单位代码须选择内部单位" in response.content.decode()
    assert admin_client_ops.get(reverse("admin:codes_businesscode_change", args=[code.pk])).status_code == 200
