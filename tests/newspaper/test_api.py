"""The partner API: own products, documents with expiry warnings, tests with average and decision, breaches and
operating scores; staff see all; the catalogue endpoint lists only listed, not-exited products."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newspaper.choices import DocumentKind
from newspaper.models import NewspaperProduct, ProductTest
from newspaper.services import breach_record, operating_score_compute

from .factories import document, listed, product, publish, qualify, scored_test, walk_to_review

pytestmark = pytest.mark.django_db


def test_partner_reads_its_products_tests_with_average_and_decision(partner_a, partner_b, partner_a_client):
    qualify(partner_a)
    qualify(partner_b)
    item = listed(partner_a)
    listed(partner_b)
    draft = walk_to_review(product(partner_a, name="草稿测试报"))
    scored_test(draft, [10])            # not approved: the partner does not see it yet

    products = partner_a_client.get(reverse("newspaper-product-list")).json()["results"]
    assert {p["name"] for p in products} == {"新闻早晚报", "草稿测试报"}
    mine = next(p for p in products if p["name"] == "新闻早晚报")
    assert mine["in_catalogue"] and [s["stage"] for s in mine["launch_steps"]] == [1, 2, 3, 4, 5, 6]

    tests = partner_a_client.get(reverse("newspaper-test-list")).json()["results"]
    assert len(tests) == 1
    assert (tests[0]["average"], tests[0]["decision"], tests[0]["rule_set_version"]) == (27.0, "pass", 1)
    assert [s["score"] for s in tests[0]["scores"]] == [26.0, 27.0, 28.0]
    assert tests[0]["product"] == item.pk


def test_catalogue_endpoint_lists_listed_products_only(partner_a, partner_a_client, staff_client):
    qualify(partner_a)
    listed(partner_a)
    product(partner_a, name="在途产品")
    rows = partner_a_client.get("/api/v1/newspaper-catalogue/").json()["results"]
    assert [r["name"] for r in rows] == ["新闻早晚报"]
    assert staff_client.get("/api/v1/newspaper-catalogue/").json()["count"] == 1


def test_documents_carry_expiry_warnings(partner_a, partner_a_client):
    today = timezone.localdate()
    document(partner_a, number="A", valid_from=today - dt.timedelta(days=400), valid_to=today + dt.timedelta(days=30))
    document(partner_a, number="B", valid_from=today - dt.timedelta(days=400), valid_to=today + dt.timedelta(days=31))
    document(partner_a, DocumentKind.SUBSIDIARY_PROOF, number="C", valid_from=today - dt.timedelta(days=400),
             valid_to=today - dt.timedelta(days=1))
    response = partner_a_client.get(reverse("newspaper-document-list"))
    rows = {r["number"]: r["expiry"] for r in response.json()["results"]}
    assert rows["A"] == {"expired": False, "days_left": 30, "warning_days": 30}
    assert rows["B"]["warning_days"] == 60
    assert rows["C"] == {"expired": True, "days_left": -1, "warning_days": None}
    expiring = partner_a_client.get(reverse("newspaper-document-list"), {"expiring_within": 30}).json()
    assert [r["number"] for r in expiring["results"]] == ["A"]


def test_breaches_published_only_and_operating_score_with_breakdown(partner_a, partner_a_client):
    qualify(partner_a)
    item = listed(partner_a)
    publish(breach_record(product=item, breach_class=2, occurred_on=dt.date(2026, 5, 4), description="违规营销",
                          evidence="录音", found_by="投诉"))
    breach_record(product=item, breach_class=1, occurred_on=dt.date(2026, 5, 5), description="草稿", evidence="x",
                  found_by="x")
    breaches = partner_a_client.get(reverse("newspaper-breach-list")).json()["results"]
    assert [b["breach_class"] for b in breaches] == [2]
    operating_score_compute(product=item, year=2026)
    [score] = partner_a_client.get(reverse("newspaper-operating-score-list")).json()["results"]
    assert (score["score"], score["initial"], score["deductions"], score["rule_set_version"]) == (80.0, 100.0, 20.0, 1)
    assert [i["rule"] for i in score["items"]] == ["R-N-SCORE", "R-N-SCORE"]


def test_staff_approves_a_test_through_the_api(partner_a, staff_client, department_head):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    qualify(partner_a)
    item = walk_to_review(product(partner_a))
    test = scored_test(item, [25])
    assert staff_client.post(reverse("newspaper-test-submit", args=[test.pk]), {}).status_code == 200
    head_client = APIClient()
    head_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=department_head).key}")
    response = head_client.post(reverse("newspaper-test-approve", args=[test.pk]), {})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert ProductTest.objects.get(pk=test.pk).decision == "pass"
    assert NewspaperProduct.objects.get(pk=item.pk).launch_stage == 5
