"""The back office speaks Simplified Chinese by default; English only when the user chooses it."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-12345"))
    return client


def test_chinese_even_for_an_english_browser(staff):
    page = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "注销" in page and "Log out" not in page  # the theme's user menu, in Chinese
    assert "English" in page  # the switch offers the second language


def test_english_when_chosen_and_back(staff):
    staff.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = staff.get("/admin/").content.decode()
    assert "Log out" in page and "简体中文" in page
    staff.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert "注销" in staff.get("/admin/").content.decode()
