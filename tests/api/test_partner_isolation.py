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


DETAIL_READS = [(p, v, b, a.url_name) for p, v, b in REGISTRY for a in v.get_extra_actions()
                if a.detail and "get" in a.mapping]


def test_the_detail_reads_are_walked():
    assert {(b, name) for _, _, b, name in DETAIL_READS} >= {
        ("credit-score", "path"), ("assessment", "path"), ("warning", "path")}


@pytest.mark.parametrize(("prefix", "viewset", "basename", "name"), DETAIL_READS,
                         ids=[f"{b}-{name}" for _, _, b, name in DETAIL_READS])
def test_partner_reads_the_detail_actions_of_its_own_rows_only(prefix, viewset, basename, name, partner_a, partner_b,
                                                               partner_a_client):
    own = MAKERS[basename](partner_a)
    foreign = MAKERS[basename](partner_b)
    foreign_url = reverse(f"{basename}-{name}", args=[_lookup_value(viewset, foreign)])
    assert partner_a_client.get(foreign_url).status_code == 404
    response = partner_a_client.get(reverse(f"{basename}-{name}", args=[_lookup_value(viewset, own)]))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTRY, ids=[b for _, _, b in REGISTRY])
def test_anonymous_and_unbound_users_are_refused(prefix, viewset, basename, client, django_user_model):
    assert client.get(reverse(f"{basename}-list")).status_code in (401, 403)
    django_user_model.objects.create_user(username="nobody", password="pw-nobody-1")
    client.login(request=HttpRequest(), username="nobody", password="pw-nobody-1")  # axes needs the request
    assert client.get(reverse(f"{basename}-list")).status_code == 403


EXPORTING = [(p, v, b) for p, v, b in REGISTRY if any(a.url_path == "export" for a in v.get_extra_actions())]


def _partner_codes_in_export(content: bytes) -> set[str]:
    from io import BytesIO

    from openpyxl import load_workbook

    codes = set()
    for sheet in load_workbook(BytesIO(content)).worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or not any(str(h or "").endswith("合作方编码") for h in rows[0]):
            continue
        column = next(i for i, h in enumerate(rows[0]) if str(h or "").endswith("合作方编码"))
        codes |= {row[column] for row in rows[1:] if row[column] and row[0] != "合计"}
    return codes


def test_the_staff_lists_offer_an_export():
    assert {b for _, _, b in EXPORTING} >= {
        "notification", "warning", "penalty-proposal", "assessment", "credit-score", "credit-sanction",
        "restriction", "settlement", "code-application", "control-event", "newspaper-product",
        "newspaper-catalogue", "newspaper-document", "newspaper-test", "newspaper-breach",
        "newspaper-operating-score"}


@pytest.mark.parametrize(("prefix", "viewset", "basename"), EXPORTING, ids=[b for _, _, b in EXPORTING])
def test_partner_exports_only_its_own_rows(prefix, viewset, basename, partner_a, partner_b, partner_a_client,
                                           staff_client):
    MAKERS[basename](partner_a)
    MAKERS[basename](partner_b)

    response = partner_a_client.get(reverse(f"{basename}-export"))
    assert response.status_code == 200, response.content
    assert _partner_codes_in_export(response.content) == {partner_a.code}
    assert _partner_codes_in_export(staff_client.get(reverse(f"{basename}-export")).content) == {"PA", "PB"}
