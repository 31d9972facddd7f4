"""Partners list their codes with statistics, apply for codes and follow their applications; never another
partner's (R-B-* API)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from codes.choices import CodeKind
from codes.models import CodeApplication, CodeChangeRequest
from core.choices import ApprovalStatus
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from tests.factories import ContractFactory

from .factories import BusinessCodeFactory, CodeMonthlyStatFactory, CodeRecyclingProposalFactory, InternalCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_contract(partner_a):
    return ContractFactory(partner=partner_a, start_date=dt.date(2020, 1, 1))


@pytest.fixture
def foreign_contract(partner_b):
    return ContractFactory(partner=partner_b, start_date=dt.date(2020, 1, 1))


def payload(contract, **extra):
    return {"contract": contract.pk, "kind": "monthly", "category": "channel_exclusive", "name": "新包月",
            "price": "15.00", "cp": "CP甲", **extra}


def test_partner_lists_own_codes_with_statistics(partner_a_client, own_contract, foreign_contract):
    code = BusinessCodeFactory(contract=own_contract, code="C-A")
    month = timezone.localdate().replace(day=1)
    CodeMonthlyStatFactory(code=code, month=month, users=12345)
    BusinessCodeFactory(contract=foreign_contract, code="C-B")
    InternalCodeFactory(code="C-INT")
    rows = partner_a_client.get(reverse("code-list")).json()["results"]
    assert [r["code"] for r in rows] == ["C-A"]
    assert rows[0]["partner"] == "PA" and rows[0]["price"] == "10.00"
    assert rows[0]["recent_stats"] == [{"month": f"{month:%Y-%m}", "users": 12345, "orders": 0}]
    assert partner_a_client.get(reverse("code-detail", args=["C-B"])).status_code == 404
    assert partner_a_client.get(reverse("code-detail", args=["C-INT"])).status_code == 404
    stats = partner_a_client.get(reverse("code-stat-list"), {"month": f"{month:%Y-%m}"}).json()["results"]
    assert [(s["code"], s["users"]) for s in stats] == [("C-A", 12345)]


def test_partner_applies_and_follows_its_application(partner_a_client, own_contract):
    response = partner_a_client.post(reverse("code-application-list"), payload(own_contract), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["partner"], body["status"], body["stage"], body["eligible"]) == ("PA", "draft", "applied", True)
    assert body["batch"] == f"{timezone.localdate():%Y-%m}" and body["rule_set_version"] == 1
    assert {i["rule"] for i in body["eligibility"]} >= {"R-B-BATCH", "R-B-BLOCK", "R-B-FIRST"}
    assert all(set(i) >= {"rule", "passed", "detail"} for i in body["eligibility"])
    application = CodeApplication.objects.get()
    assert application.created_by.partner_membership.partner.code == "PA"
    listed = partner_a_client.get(reverse("code-application-list")).json()["results"]
    assert [a["id"] for a in listed] == [application.pk]


def test_blocked_partner_sees_reason_and_rule(partner_a_client, own_contract, partner_a):
    """R-B-BLOCK over the API: the application is filed with the blocking reason and rule id."""
    restriction_create(partner=partner_a, action=RestrictedAction.APPLY_CODES, starts_on=dt.date(2020, 1, 1),
                       ends_on=None, rule_id="R-D-WARN", source=partner_a, source_key="w", reason="一级预警")
    body = partner_a_client.post(reverse("code-application-list"), payload(own_contract), format="json").json()
    assert body["eligible"] is False
    [block] = [i for i in body["eligibility"] if i["rule"] == "R-B-BLOCK"]
    assert block["passed"] is False and block["blocked_by"] == "R-D-WARN" and "一级预警" in block["detail"]


def test_partner_cannot_apply_for_or_read_another_partner(partner_a_client, foreign_contract, staff_user):
    response = partner_a_client.post(reverse("code-application-list"), payload(foreign_contract), format="json")
    assert response.status_code == 400 and "contract" in response.json()
    assert not CodeApplication.objects.exists()
    from codes.services import application_apply

    foreign = application_apply(actor=staff_user, contract=foreign_contract, kind=CodeKind.MONTHLY,
                                category="other", name="乙的代码", price="1")
    assert partner_a_client.get(reverse("code-application-detail", args=[foreign.pk])).status_code == 404
    assert partner_a_client.get(reverse("code-application-list")).json()["count"] == 0


def test_bad_application_input_names_the_field(partner_a_client, own_contract):
    response = partner_a_client.post(reverse("code-application-list"), payload(own_contract, price="-1",
                                                                                 kind="weekly"), format="json")
    assert response.status_code == 400 and {"price", "kind"} <= set(response.json())
    assert not CodeApplication.objects.exists()


def test_partner_cannot_edit_or_delete(partner_a_client, own_contract, staff_user):
    from codes.services import application_apply

    own = application_apply(actor=staff_user, contract=own_contract, kind="monthly", category="other", name="x",
                            price="1")
    url = reverse("code-application-detail", args=[own.pk])
    assert partner_a_client.patch(url, {"name": "y"}, format="json").status_code == 405
    assert partner_a_client.delete(url).status_code == 405
    code = BusinessCodeFactory(contract=own_contract)
    assert partner_a_client.post(reverse("code-list"), {}, format="json").status_code in (403, 405)
    assert partner_a_client.delete(reverse("code-detail", args=[code.code])).status_code in (403, 405)


def test_change_requests_are_scoped(partner_a_client, own_contract, foreign_contract):
    own = BusinessCodeFactory(contract=own_contract, name="甲")
    foreign = BusinessCodeFactory(contract=foreign_contract, name="乙")
    url = reverse("code-change-request-list")
    assert partner_a_client.post(url, {"code": foreign.code, "name": "改"}, format="json").status_code == 400
    response = partner_a_client.post(url, {"code": own.code, "name": "改", "reason": "品牌升级"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == {"name": "改"} and response.json()["status"] == "draft"
    assert CodeChangeRequest.objects.get().code == own
    response = partner_a_client.post(url, {"code": own.code, "price": "10.00"}, format="json")
    assert response.status_code == 400 and "changes" in response.json()


def test_partner_sees_only_approved_recycling_decisions(partner_a_client, own_contract):
    code = BusinessCodeFactory(contract=own_contract)
    approved = CodeRecyclingProposalFactory(code=code)
    CodeRecyclingProposalFactory(code=code, status=ApprovalStatus.DRAFT)
    rows = partner_a_client.get(reverse("code-recycling-proposal-list")).json()["results"]
    assert [r["id"] for r in rows] == [approved.pk]


def test_staff_sees_everything(staff_client, own_contract, foreign_contract):
    BusinessCodeFactory(contract=own_contract)
    BusinessCodeFactory(contract=foreign_contract)
    InternalCodeFactory()
    assert staff_client.get(reverse("code-list")).json()["count"] == 3
    assert staff_client.get(reverse("code-list"), {"partner": "PB"}).json()["count"] == 1
