"""The API's per-user rate limit (fixed windows, core.api.throttling) and the token login that loads the
partner binding with the user (core.api.authentication)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.api import throttling

pytestmark = pytest.mark.django_db

PARTNERS = reverse("partner-list")


@pytest.fixture
def three_per_minute(monkeypatch):
    """The production user throttle (the test settings switch throttling off) at 3 requests a minute, on a
    clock the test moves."""
    monkeypatch.setattr(APIView, "throttle_classes", [throttling.UserRateThrottle])
    monkeypatch.setattr(throttling.UserRateThrottle, "rate", "3/minute", raising=False)
    clock = {"now": 1_800_000_000.0}  # a window boundary: 1_800_000_000 is a multiple of 60
    monkeypatch.setattr(throttling.UserRateThrottle, "timer", lambda self: clock["now"])
    cache.clear()
    yield clock
    cache.clear()


def test_a_user_beyond_the_rate_gets_429_with_the_seconds_to_wait(three_per_minute, partner_a_client, staff_client):
    three_per_minute["now"] += 15
    assert [partner_a_client.get(PARTNERS).status_code for _ in range(3)] == [200, 200, 200]
    refused = partner_a_client.get(PARTNERS)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"  # the rest of the minute
    # the limit is per user: another login is served
    assert staff_client.get(PARTNERS).status_code == 200


def test_the_next_window_serves_again(three_per_minute, partner_a_client):
    for _ in range(3):
        partner_a_client.get(PARTNERS)
    assert partner_a_client.get(PARTNERS).status_code == 429
    three_per_minute["now"] += 60
    assert partner_a_client.get(PARTNERS).status_code == 200


def test_a_partner_token_request_reads_user_and_binding_in_one_query(partner_a_client):
    partner_a_client.get(PARTNERS)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert partner_a_client.get(PARTNERS).status_code == 200
    token_queries = [q["sql"] for q in captured if "authtoken_token" in q["sql"]]
    assert len(token_queries) == 1 and "partners_partnermembership" in token_queries[0]
    assert not [q for q in captured if q["sql"].lstrip().startswith('SELECT "partners_partnermembership"')]


def test_an_unknown_or_inactive_token_is_refused(partner_a_client, staff_user):
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert unknown.get(PARTNERS).status_code == 401
    token, _ = Token.objects.get_or_create(user=staff_user)
    staff_user.is_active = False
    staff_user.save()
    inactive = APIClient()
    inactive.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert inactive.get(PARTNERS).status_code == 401
