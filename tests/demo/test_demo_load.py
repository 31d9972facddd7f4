"""The demo shows computed, published results a partner can read — and loading it twice changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.choices import ApprovalStatus
from demo.services import demo_load
from scoring.models import DailyNotification, MonthlyAssessment

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_demo_results_are_published_for_the_oldest_month_and_reload_is_idempotent():
    first = demo_load(partner_count=8, months=2, today=TODAY)
    assert first["published_assessments"] > 0 and first["approved_settlements"] > 0
    assert MonthlyAssessment.objects.filter(month=dt.date(2026, 9, 1), status=ApprovalStatus.APPROVED).exists()
    assert not MonthlyAssessment.objects.filter(month=dt.date(2026, 10, 1), status=ApprovalStatus.APPROVED).exists()
    rows = (MonthlyAssessment.objects.count(), DailyNotification.objects.count())

    again = demo_load(partner_count=8, months=2, today=TODAY)
    assert again["published_assessments"] == 0
    assert (MonthlyAssessment.objects.count(), DailyNotification.objects.count()) == rows

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username="demo_partner"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    results = client.get("/api/v1/assessments/").json()["results"]
    assert results and {r["partner"] for r in results} == {"DEMO001"}
    assert {r["status"] for r in results} == {ApprovalStatus.APPROVED}
