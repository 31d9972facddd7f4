"""The back office speaks Simplified Chinese by default; English only when the user chooses it."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-12345"))
    return client


def test_chinese_even_for_an_english_browser(staff):
    page = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "欢迎" in page and "Welcome" not in page
    assert "English" in page  # the switch offers the second language


def test_english_when_chosen_and_back(staff):
    staff.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = staff.get("/admin/").content.decode()
    assert "Welcome" in page and "中文" in page
    staff.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert "欢迎" in staff.get("/admin/").content.decode()
