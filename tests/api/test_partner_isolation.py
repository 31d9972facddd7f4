"""Walk every registered endpoint with a partner token: never a row of another partner."""

import pytest
from django.http import HttpRequest
from django.urls import reverse

from migu_ops.api_router import router

from .isolation_data import MAKERS

pytestmark = pytest.mark.django_db

REGISTRY = [(prefix, viewset, basename) for prefix, viewset, basename in router.registry]


def test_every_endpoint_has_isolation_data():
    missing = sorted(basename for _, _, basename in REGISTRY if basename not in MAKERS)
    assert not missing, f"add makers to tests/api/isolation_data.py for: {missing}"


def _row_partner_code(row: dict, basename: str) -> str:
    return row["code"] if basename == "partner" else row["partner"]


def _lookup_value(viewset, instance) -> str:
    field = getattr(viewset, "lookup_field", "pk")
    return str(getattr(instance, field))


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTRY, ids=[b for _, _, b in REGISTRY])
def test_partner_sees_only_its_own_rows(prefix, viewset, basename, partner_a, partner_b, partner_a_client):
    own = MAKERS[basename](partner_a)
    foreign = MAKERS[basename](partner_b)

    response = partner_a_client.get(reverse(f"{basename}-list"), {"page_size": 500})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows, f"{basename}: partner sees none of its own rows"
    assert {_row_partner_code(row, basename) for row in rows} == {partner_a.code}

    detail = reverse(f"{basename}-detail", args=[_lookup_value(viewset, foreign)])
    assert partner_a_client.get(detail).status_code == 404
    own_detail = reverse(f"{basename}-detail", args=[_lookup_value(viewset, own)])
    assert partner_a_client.get(own_detail).status_code == 200


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTRY, ids=[b for _, _, b in REGISTRY])
def test_anonymous_and_unbound_users_are_refused(prefix, viewset, basename, client, django_user_model):
    assert client.get(reverse(f"{basename}-list")).status_code in (401, 403)
    django_user_model.objects.create_user(username="nobody", password="pw-nobody-1")
    client.login(request=HttpRequest(), username="nobody", password="pw-nobody-1")  # axes needs the request
    assert client.get(reverse(f"{basename}-list")).status_code == 403
