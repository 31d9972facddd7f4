"""Walk every registered list endpoint: the number of queries does not grow with the rows listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from migu_ops.api_router import router
from tests.factories import PartnerFactory

from .isolation_data import MAKERS

pytestmark = pytest.mark.django_db

REGISTRY = [(prefix, viewset, basename) for prefix, viewset, basename in router.registry]


def _list_queries(client, basename: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"{basename}-list"), {"page_size": 500})
    assert response.status_code == 200, response.content
    return len(captured), response.json()["count"]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTRY, ids=[b for _, _, b in REGISTRY])
def test_list_query_count_is_constant_in_the_rows_listed(prefix, viewset, basename, staff_client, partner_a,
                                                         partner_a_client):
    MAKERS[basename](partner_a)
    _list_queries(staff_client, basename)  # warm the per-process caches (content types, rule books)
    _list_queries(partner_a_client, basename)
    staff_one, staff_count_one = _list_queries(staff_client, basename)
    partner_one, _ = _list_queries(partner_a_client, basename)
    for number in range(3):
        MAKERS[basename](PartnerFactory(code=f"QC{number}"))
    staff_four, staff_count_four = _list_queries(staff_client, basename)
    partner_four, _ = _list_queries(partner_a_client, basename)
    assert staff_count_four > staff_count_one, f"{basename}: the makers added no rows to the staff list"
    assert staff_four == staff_one, (
        f"{basename}: {staff_one} queries for {staff_count_one} rows, {staff_four} for {staff_count_four}")
    assert partner_four == partner_one, f"{basename}: the partner's list cost {partner_one} then {partner_four} queries"
