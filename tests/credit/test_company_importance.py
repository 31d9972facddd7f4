"""Company-importance evidence: filed by the partner (API) or staff, reviewed with minutes by the expansion centre,
counted from the month after approval, never retroactively (R-K-STRATEGIC)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.approval import approval_submit
from core.choices import ApprovalStatus
from credit.choices import EvidenceChannel
from credit.models import CompanyImportanceEvidence, MonthlyCreditScore
from credit.services import company_importance_review, credit_scoring_run
from tests.factories import ContractFactory

from .factories import CompanyImportanceEvidenceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/company-importance/"
PAYLOAD = {"category": "listed_or_central_soe", "description": "A股上市公司", "evidence": "上市公告 600000"}


def test_partner_files_evidence_for_itself_only_r_k_strategic(partner_a, partner_b, partner_a_client):
    response = partner_a_client.post(URL, {**PAYLOAD, "partner": partner_b.code}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == partner_a.code and body["status"] == ApprovalStatus.DRAFT
    assert body["channel"] == EvidenceChannel.PARTNER_API and body["effective_from"] is None
    assert CompanyImportanceEvidence.objects.get().partner == partner_a
    detail = f"{URL}{body['id']}/"
    assert partner_a_client.put(detail, PAYLOAD, format="json").status_code == 405
    assert partner_a_client.delete(detail).status_code == 405


@pytest.mark.parametrize(
    ("payload", "field"),
    [({**PAYLOAD, "category": "famous_brand"}, "category"), ({**PAYLOAD, "description": ""}, "description"),
     ({"category": "listed_or_central_soe", "description": "x"}, "evidence")],
)
def test_bad_evidence_is_refused_naming_the_field_r_k_strategic(partner_a_client, payload, field):
    response = partner_a_client.post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not CompanyImportanceEvidence.objects.exists()


def test_staff_file_for_a_named_partner_r_k_strategic(staff_client, partner_b):
    missing = staff_client.post(URL, PAYLOAD, format="json")
    assert missing.status_code == 400 and "partner" in missing.json()
    response = staff_client.post(URL, {**PAYLOAD, "partner": partner_b.code}, format="json")
    assert response.status_code == 201 and response.json()["channel"] == EvidenceChannel.STAFF


def test_review_needs_minutes_and_the_department_head_r_k_strategic(staff_user, department_head, division_leader):
    evidence = approval_submit(obj=CompanyImportanceEvidenceFactory(), actor=staff_user)
    with pytest.raises(ValidationError) as caught:
        company_importance_review(evidence=evidence, actor=department_head, minutes="  ")
    assert "review_minutes" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        company_importance_review(evidence=evidence, actor=division_leader, minutes="纪要")
    evidence.refresh_from_db()
    assert evidence.status == ApprovalStatus.SUBMITTED


def test_plain_approval_without_minutes_is_refused_r_k_strategic(staff_user, department_head):
    from core.approval import ApprovalError, approval_approve

    evidence = approval_submit(obj=CompanyImportanceEvidenceFactory(), actor=staff_user)
    with pytest.raises(ApprovalError, match="会议纪要"):
        approval_approve(obj=evidence, actor=department_head)


@pytest.mark.parametrize(
    ("approved_on", "first_month"),
    [(dt.date(2026, 10, 1), dt.date(2026, 11, 1)), (dt.date(2026, 10, 31), dt.date(2026, 11, 1)),
     (dt.date(2026, 12, 15), dt.date(2027, 1, 1))],
)
def test_counts_from_the_month_after_approval_never_retroactively_r_k_strategic(
    staff_user, department_head, monkeypatch, approved_on, first_month
):
    from django.utils import timezone

    evidence = CompanyImportanceEvidenceFactory()
    ContractFactory(partner=evidence.partner, start_date=dt.date(2024, 1, 1))
    evidence = approval_submit(obj=evidence, actor=staff_user)
    moment = timezone.make_aware(dt.datetime.combine(approved_on, dt.time(23, 30)))
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        company_importance_review(evidence=evidence, actor=department_head, minutes="拓展中心2026第9次评审会")
    evidence.refresh_from_db()
    assert evidence.effective_from == first_month and evidence.review_minutes

    approved_month = approved_on.replace(day=1)
    credit_scoring_run(month=approved_month)
    credit_scoring_run(month=first_month)
    before = MonthlyCreditScore.objects.get(partner=evidence.partner, month=approved_month)
    after = MonthlyCreditScore.objects.get(partner=evidence.partner, month=first_month)
    strategic = {row.month: next(i for i in row.items if i["item"] == "strategic") for row in (before, after)}
    assert strategic[approved_month]["points"] == 0
    assert strategic[first_month]["points"] == 100 and "国家级" in strategic[first_month]["detail"]
    assert after.monthly_score == Decimal("1000.00")


@pytest.mark.parametrize("code", ["PB", "NO-SUCH-PARTNER", "", None, 12345],
                         ids=["another partner", "unknown", "blank", "null", "number"])
def test_a_partner_filing_evidence_learns_nothing_about_other_partner_codes(
    partner_a, partner_b, partner_a_client, code
):
    """The partner value of a partner's own filing is ignored: the same 201 whatever code is sent."""
    response = partner_a_client.post(URL, {**PAYLOAD, "partner": code}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["partner"] == partner_a.code
    assert CompanyImportanceEvidence.objects.get(pk=response.json()["id"]).partner == partner_a


def test_staff_still_get_unknown_partner_codes_refused(staff_client, partner_a):
    response = staff_client.post(URL, {**PAYLOAD, "partner": "NO-SUCH-PARTNER"}, format="json")
    assert response.status_code == 400 and "partner" in response.json()
