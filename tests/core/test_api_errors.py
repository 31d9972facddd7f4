"""API errors come from one exception handler, in the request's language: Chinese by default, English with
``Accept-Language: en`` (the admin follows its own switch, see test_language.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from core.api.exceptions import api_exception_handler
from core.approval import ApprovalError
from tests.scoring.factories import make_assessment
from tests.scoring.test_api import client_for

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def leader_client(division_leader):
    return client_for(division_leader)


def test_not_found_is_chinese_by_default_and_english_when_asked(staff_client):
    url = reverse("settlement-detail", args=[999999])
    response = staff_client.get(url)
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}
    assert response["Content-Language"] == "zh-hans"
    english = staff_client.get(url, **EN)
    assert english.status_code == 404 and english.json() == {"detail": "Not found."}
    assert english["Content-Language"] == "en" and "Accept-Language" in english["Vary"]


@pytest.mark.parametrize(("accept", "expected"), [("zh-CN,zh;q=0.9", "zh-hans"), ("fr-FR", "zh-hans"),
                                                  ("en-US,en;q=0.9", "en"), ("", "zh-hans")])
def test_api_language_follows_an_explicit_accept_language(staff_client, accept, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    assert staff_client.get(reverse("settlement-list"), **headers)["Content-Language"] == expected


def test_filter_errors_in_the_request_language(staff_client):
    chinese = staff_client.get(reverse("warning-list"), {"month": "2026-13"})
    assert chinese.status_code == 400 and "不在 01–12 之间" in chinese.json()["month"][0]
    english = staff_client.get(reverse("warning-list"), {"month": "2026-13"}, **EN)
    assert english.status_code == 400 and "is not between 01 and 12" in english.json()["month"][0]


def test_approval_refusals_are_translated(staff_client, leader_client, partner_a):
    assessment = make_assessment(partner_a)
    assert staff_client.post(reverse("assessment-submit", args=[assessment.pk]), {}, format="json").status_code == 200

    refused = staff_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"].startswith("需要“")
    refused = staff_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json", **EN)
    assert refused.status_code == 403 and refused.json()["detail"].startswith("Requires the “")

    assert leader_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json"
                              ).status_code == 200
    again = leader_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json")
    assert again.status_code == 400 and "已审批发布" in again.json()["detail"][0]
    again = leader_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json", **EN)
    assert again.status_code == 400 and "is not possible" in again.json()["detail"][0]
    assert "Approved (published)" in again.json()["detail"][0]


def test_a_partner_without_rights_gets_the_reason_in_its_language(partner_a_client, partner_a):
    assessment = make_assessment(partner_a, status="approved")
    url = reverse("assessment-submit", args=[assessment.pk])
    assert partner_a_client.post(url, {}, format="json").json()["detail"] == "需要运营人员账号或已绑定合作方的账号。"
    assert partner_a_client.post(url, {}, format="json", **EN).json()["detail"].startswith("Needs an operations")


@pytest.mark.parametrize(("exc", "status", "body"), [
    (ValidationError({"price": ["太高"], "__all__": ["整体有误"]}), 400,
     {"price": ["太高"], "non_field_errors": ["整体有误"]}),
    (ValidationError(["甲", "乙"]), 400, {"detail": ["甲", "乙"]}),
    (ApprovalError("状态不允许"), 400, {"detail": ["状态不允许"]}),
    (PermissionDenied("不是你的"), 403, {"detail": "不是你的"}),
    (Http404("No Thing matches the given query."), 404, {"detail": "未找到。"}),
])
def test_the_handler_maps_django_errors(exc, status, body):
    with translation.override("zh-hans"):
        response = api_exception_handler(exc, {})
    assert (response.status_code, response.data) == (status, body)


def test_a_month_filter_value_with_a_percent_sign_is_a_400_naming_it(staff_client):
    response = staff_client.get(reverse("code-stat-list"), {"month": "20%s-10"})
    assert response.status_code == 400
    assert "20%s-10" in response.json()["month"][0]
