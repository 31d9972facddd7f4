"""The OpenAPI schema documents every endpoint without warnings, and is served (with its docs) locally."""

import pytest
from django.core.management import call_command

from migu_ops.api_router import router

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for prefix, _viewset, _basename in router.registry:
        assert f"/api/v1/{prefix}/" in text


def test_schema_and_docs_are_served(client, django_user_model):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
