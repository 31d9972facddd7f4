"""The first page of a list counts its rows without a COUNT query when they fit (core.api.pagination), and
reports the same count, links and rows as any other page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARTNERS = reverse("partner-list")


def _get(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PARTNERS, params)
    assert response.status_code == 200, response.content
    counts = [q["sql"] for q in captured if "COUNT(*)" in q["sql"]]
    return response.json(), counts


def test_a_list_that_fits_on_the_first_page_needs_no_count_query(staff_client):
    for number in range(3):
        PartnerFactory(code=f"FP{number}")
    body, counts = _get(staff_client, page_size=3)
    assert body["count"] == 3 and len(body["results"]) == 3
    assert body["next"] is None and body["previous"] is None
    assert counts == []


def test_a_longer_list_is_counted_and_linked_to_its_next_page(staff_client):
    for number in range(4):
        PartnerFactory(code=f"FP{number}")
    first, counts = _get(staff_client, page_size=3)
    assert first["count"] == 4 and [row["code"] for row in first["results"]] == ["FP0", "FP1", "FP2"]
    assert "page=2" in first["next"] and len(counts) == 1
    second, _ = _get(staff_client, page_size=3, page=2)
    assert second["count"] == 4 and [row["code"] for row in second["results"]] == ["FP3"]
    explicit_first, _ = _get(staff_client, page_size=3, page=1)
    assert explicit_first == first


def test_an_empty_list_is_an_empty_first_page(staff_client):
    body, counts = _get(staff_client)
    assert body == {"count": 0, "next": None, "previous": None, "results": []} and counts == []
