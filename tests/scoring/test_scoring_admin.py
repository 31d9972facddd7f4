"""Admin: result lists with filters, the breakdown on the detail page, bulk approval actions via core.approval."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.choices import ApprovalStatus
from core.models import AuditEvent
from scoring.models import MonthlyAssessment
from scoring.services import daily_notifications_run, monthly_assessment_run
from tests.factories import PartnerFactory
from tests.scoring.factories import make_assessment, make_proposal, make_tickets, set_revenue

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def leader_admin(division_leader):
    division_leader.user_permissions.add(*Permission.objects.filter(content_type__app_label="scoring",
                                                                    codename__startswith="view_"))
    client = Client()
    client.force_login(division_leader)
    return client


@pytest.fixture
def data():
    partner = PartnerFactory(code="AD1", name="管理测试")
    set_revenue(partner, OCT, "1000000")
    make_tickets(partner, OCT.replace(day=9), 233)
    make_tickets(partner, OCT.replace(day=10), 65)
    daily_notifications_run(day=OCT.replace(day=9))
    daily_notifications_run(day=OCT.replace(day=10))
    monthly_assessment_run(month=OCT)
    return partner


@pytest.mark.parametrize("model", ["monthlyassessment", "penaltyproposal", "monthlywarning", "dailynotification"])
def test_result_lists_and_detail_pages_render(admin_client, data, model):
    listing = admin_client.get(reverse(f"admin:scoring_{model}_changelist"))
    assert listing.status_code == 200 and "AD1" in listing.content.decode()
    obj = {"monthlyassessment": MonthlyAssessment}.get(model)
    if obj is None:
        from django.apps import apps

        obj = apps.get_model("scoring", model)
    detail = admin_client.get(reverse(f"admin:scoring_{model}_change", args=[obj.objects.first().pk]))
    assert detail.status_code == 200
    assert "R-" in detail.content.decode()  # the breakdown names its rule ids


def test_assessment_detail_shows_the_readable_breakdown(admin_client, data):
    assessment = MonthlyAssessment.objects.get()
    page = admin_client.get(reverse("admin:scoring_monthlyassessment_change", args=[assessment.pk])).content.decode()
    assert "质万比 2.98 (298 件 × 10000 / 1,000,000 元) → 30" in page
    assert "计算明细" in page
    assert 'class="breakdown readonly-table"' in page and "core/admin_tables.css" in page


@pytest.mark.parametrize("make", [make_assessment, make_proposal])
def test_monthly_result_detail_pages_show_the_month_as_year_and_month(admin_client, make):
    row = make(PartnerFactory(code="M"))
    opts = type(row)._meta
    page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])).content.decode()
    assert "2026-10" in page and "2026年10月1日" not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"month": "2026-10"}, {"A", "B", "C"}),
        ({"month": "2026-09"}, set()),
        ({"score_band": "lt60"}, {"A"}),
        ({"score_band": "80-90"}, {"B"}),
        ({"score_band": "gte90"}, {"C"}),
        ({"partner__partner_class__exact": "core"}, {"C"}),
        ({"cooperation_type__exact": "joint_membership"}, {"B"}),
        ({"status__exact": "approved"}, {"C"}),
    ],
)
def test_assessment_list_filters(admin_client, params, expected):
    make_assessment(PartnerFactory(code="A"), total=Decimal("59.99"))
    make_assessment(PartnerFactory(code="B"), total=Decimal("80"), cooperation_type="joint_membership")
    make_assessment(PartnerFactory(code="C", partner_class="core"), total=Decimal("90"), status="approved")
    response = admin_client.get(reverse("admin:scoring_monthlyassessment_changelist"), params)
    assert response.status_code == 200
    shown = {row.partner.code for row in response.context["cl"].result_list}
    assert shown == expected


def test_bulk_submit_approve_and_return_through_the_approval_services(admin_client, leader_admin):
    rows = [make_assessment(PartnerFactory(code=f"B{i}")) for i in range(3)]
    url = reverse("admin:scoring_monthlyassessment_changelist")
    ids = [str(row.pk) for row in rows]
    admin_client.post(url, {"action": "submit_selected", "_selected_action": ids, "note": ""})
    assert set(MonthlyAssessment.objects.values_list("status", flat=True)) == {ApprovalStatus.SUBMITTED}

    leader_admin.post(url, {"action": "approve_selected", "_selected_action": ids[:2], "note": "同意"})
    response = leader_admin.post(url, {"action": "return_selected", "_selected_action": ids[2:], "note": ""},
                                 follow=True)
    assert "退回原因" in response.content.decode()  # no reason given: the page asks for one
    assert MonthlyAssessment.objects.get(pk=ids[2]).status == ApprovalStatus.SUBMITTED
    leader_admin.post(url, {"action": "return_selected", "_selected_action": ids[2:], "note": "收入待核"})
    statuses = dict(MonthlyAssessment.objects.values_list("partner__code", "status"))
    assert statuses == {"B0": "approved", "B1": "approved", "B2": "returned"}
    assert AuditEvent.objects.filter(action="approve", rule_id="R-M-APPROVAL").count() == 2
    assert AuditEvent.objects.get(action="return").reason == "收入待核"


def test_penalty_proposal_bulk_approve_is_refused_for_non_leaders(admin_client, staff_user):
    proposal = make_proposal(PartnerFactory(code="P1"), status=ApprovalStatus.SUBMITTED)
    staff_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="scoring",
                                                               codename__startswith="view_"))
    client = Client()
    client.force_login(staff_user)
    response = client.post(reverse("admin:scoring_penaltyproposal_changelist"),
                           {"action": "approve_selected", "_selected_action": [proposal.pk]}, follow=True)
    assert "分管领导" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.SUBMITTED
