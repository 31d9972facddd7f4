"""Every admin page a staff member can open renders: change lists (with search), add forms and change forms."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from partners.demo import demo_seed

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client.force_login(user)
    return client


@pytest.mark.parametrize(("model", "model_admin"), MODELS, ids=[m._meta.label for m, _ in MODELS])
def test_admin_pages_render(superuser_client, model, model_admin):
    demo_seed(partner_count=3, months=1, today=dt.date(2026, 11, 23))
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = superuser_client.get(reverse(f"{prefix}_changelist"), {"q": "x"})
    assert changelist.status_code == 200
    assert superuser_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    request = changelist.wsgi_request
    if model_admin.has_add_permission(request):
        assert superuser_client.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        assert superuser_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
        history = superuser_client.get(reverse(f"{prefix}_history", args=[obj.pk]))
        assert history.status_code == 200


def test_admin_index_is_in_chinese(superuser_client):
    response = superuser_client.get("/admin/")
    assert response.status_code == 200
    assert "运营后台" in response.content.decode()
