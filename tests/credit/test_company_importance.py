"""Company-importance evidence: filed by the partner (API) or staff, reviewed with minutes by the expansion centre,
counted in the latest month whose credit score is not yet issued, never in issued months; a parent without
cooperation of its own authorises exactly one subsidiary (R-K-STRATEGIC)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.approval import approval_submit
from core.choices import ApprovalStatus
from core.months import add_months
from credit.choices import EvidenceChannel
from credit.models import CompanyImportanceEvidence, MonthlyCreditScore
from credit.services import company_importance_file, company_importance_review, credit_scoring_run
from partners.choices import CooperationType
from tests.factories import ContractFactory, PartnerFactory

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


def _approve_on(evidence, approved_on, *, staff_user, department_head, monkeypatch):
    from django.utils import timezone

    evidence = approval_submit(obj=evidence, actor=staff_user)
    moment = timezone.make_aware(dt.datetime.combine(approved_on, dt.time(23, 30)))
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        company_importance_review(evidence=evidence, actor=department_head, minutes="拓展中心2026第9次评审会")
    evidence.refresh_from_db()
    return evidence


def _strategic_points(partner, month):
    row = MonthlyCreditScore.objects.get(partner=partner, month=month)
    return next(i for i in row.items if i["item"] == "strategic")["points"]


@pytest.mark.parametrize(
    ("approved_on", "issued", "first_month"),
    [(dt.date(2026, 10, 20), [dt.date(2026, 9, 1)], dt.date(2026, 10, 1)),   # counts in October's score
     (dt.date(2026, 10, 1), [], dt.date(2026, 10, 1)),
     (dt.date(2026, 10, 31), [dt.date(2026, 9, 1)], dt.date(2026, 10, 1)),
     (dt.date(2026, 12, 15), [], dt.date(2026, 12, 1)),
     (dt.date(2026, 10, 20), [dt.date(2026, 10, 1)], dt.date(2026, 11, 1))],  # October already issued: skipped
)
def test_counts_in_the_latest_month_not_yet_issued_never_in_issued_months_r_k_strategic(
    staff_user, department_head, division_leader, monkeypatch, approved_on, issued, first_month
):
    """R-K-STRATEGIC: 其重要性加分在最近月份的信用积分中生效，不追溯之前已出具积分的月份 — evidence approved on
    2026-10-20 counts in the October score computed in November, never in a month already issued."""
    from core.approval import approval_approve

    evidence = CompanyImportanceEvidenceFactory()
    ContractFactory(partner=evidence.partner, start_date=dt.date(2024, 1, 1))
    for month in issued:
        credit_scoring_run(month=month)
        score = approval_submit(obj=MonthlyCreditScore.objects.get(partner=evidence.partner, month=month),
                                actor=staff_user)
        approval_approve(obj=score, actor=division_leader)
    evidence = _approve_on(evidence, approved_on, staff_user=staff_user, department_head=department_head,
                           monkeypatch=monkeypatch)
    assert evidence.effective_from == first_month and evidence.review_minutes

    before = add_months(first_month, -1)
    for month in (before, first_month):
        if month not in issued:
            credit_scoring_run(month=month)
    assert _strategic_points(evidence.partner, before) == 0
    assert _strategic_points(evidence.partner, first_month) == 100
    assert MonthlyCreditScore.objects.get(partner=evidence.partner, month=first_month).monthly_score == Decimal(
        "1000.00")


# --- exclusive authorisation by a parent company (R-K-STRATEGIC) ---------------------------------------------------

def test_parent_without_cooperation_authorises_one_subsidiary_r_k_strategic(staff_user, department_head,
                                                                             monkeypatch):
    """公司重要性: 未与咪咕音乐开展数字产品销售渠道/联合会员合作的公司，可独家授权其一家控股子公司获得此加分项."""
    parent = PartnerFactory(code="PARENT")
    first = CompanyImportanceEvidenceFactory(authorised_by_parent=parent)
    ContractFactory(partner=first.partner, start_date=dt.date(2024, 1, 1))
    first = _approve_on(first, dt.date(2026, 10, 20), staff_user=staff_user, department_head=department_head,
                        monkeypatch=monkeypatch)
    assert first.authorised_by_parent == parent and first.status == ApprovalStatus.APPROVED
    credit_scoring_run(month=dt.date(2026, 10, 1))
    assert _strategic_points(first.partner, dt.date(2026, 10, 1)) == 100

    # the same subsidiary may file again (e.g. renewed evidence); a second subsidiary may not
    company_importance_file(partner=first.partner, category="listed_or_central_soe", description="续期",
                            evidence="公告", channel=EvidenceChannel.STAFF, authorised_by_parent=parent)
    with pytest.raises(ValidationError) as error:
        company_importance_file(partner=PartnerFactory(), category="listed_or_central_soe", description="第二家",
                                evidence="公告", channel=EvidenceChannel.STAFF, authorised_by_parent=parent)
    message = error.value.message_dict["authorised_by_parent"][0]
    assert "R-K-STRATEGIC" in message and "已独家授权另一家" in message
    assert first.partner.code not in message  # a partner filing never learns who the other subsidiary is


@pytest.mark.parametrize(("cooperation_type", "ended", "refused"), [
    (CooperationType.SALES_CHANNEL, False, True),
    (CooperationType.JOINT_MEMBERSHIP, False, True),
    (CooperationType.SALES_CHANNEL, True, False),        # its own cooperation has ended
])
def test_parent_that_cooperates_itself_cannot_authorise_r_k_strategic(cooperation_type, ended, refused):
    parent = PartnerFactory()
    ContractFactory(partner=parent, cooperation_type=cooperation_type, start_date=dt.date(2024, 1, 1),
                    end_date=dt.date(2025, 12, 31) if ended else None)
    file = {"partner": PartnerFactory(), "category": "listed_or_central_soe", "description": "子公司",
            "evidence": "公告", "channel": EvidenceChannel.STAFF, "authorised_by_parent": parent}
    if not refused:
        assert company_importance_file(**file).authorised_by_parent == parent
        return
    with pytest.raises(ValidationError) as error:
        company_importance_file(**file)
    assert "自身与咪咕音乐开展" in error.value.message_dict["authorised_by_parent"][0]
    assert not CompanyImportanceEvidence.objects.exists()


def test_second_authorisation_is_refused_at_approval_too_r_k_strategic(staff_user, department_head, monkeypatch):
    """Two subsidiaries filed while neither was approved: the second approval is refused."""
    from core.approval import ApprovalError

    parent = PartnerFactory()
    first = CompanyImportanceEvidenceFactory(authorised_by_parent=parent)
    second = CompanyImportanceEvidenceFactory(authorised_by_parent=parent)
    _approve_on(first, dt.date(2026, 10, 20), staff_user=staff_user, department_head=department_head,
                monkeypatch=monkeypatch)
    with pytest.raises(ApprovalError, match="独家授权"):
        _approve_on(second, dt.date(2026, 10, 21), staff_user=staff_user, department_head=department_head,
                    monkeypatch=monkeypatch)


def test_a_partner_cannot_name_a_parent_through_the_api_r_k_strategic(partner_a, partner_b, partner_a_client):
    """No code oracle: a partner's authorised_by_parent value is ignored (staff record it from the letter)."""
    for code in (partner_b.code, "NO-SUCH-PARTNER"):
        response = partner_a_client.post(URL, {**PAYLOAD, "authorised_by_parent": code}, format="json")
        assert response.status_code == 201 and response.json()["authorised_by_parent"] is None
    assert not CompanyImportanceEvidence.objects.filter(authorised_by_parent__isnull=False).exists()


def test_api_names_the_parent_by_partner_code_r_k_strategic(staff_client, partner_a):
    parent = PartnerFactory(code="PARENT")
    response = staff_client.post(URL, {**PAYLOAD, "partner": partner_a.code, "authorised_by_parent": "PARENT"},
                                 format="json")
    assert response.status_code == 201, response.content
    assert response.json()["authorised_by_parent"] == "PARENT"
    assert CompanyImportanceEvidence.objects.get().authorised_by_parent == parent
    response = staff_client.post(URL, {**PAYLOAD, "partner": partner_a.code, "authorised_by_parent": "NOBODY"},
                                 format="json")
    assert response.status_code == 400 and "authorised_by_parent" in response.json()


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
