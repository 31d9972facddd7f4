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


def test_the_switch_translates_the_apps_own_strings(staff):
    from django.urls import reverse

    staff.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = staff.get(reverse("admin:settlement_settlementstatement_changelist")).content.decode()
    assert "Monthly settlement statement" in page and "Export to Excel" in page and "月度结算单" not in page
    index = staff.get("/admin/").content.decode()
    assert "Credit score" in index or "Monthly credit score" in index


def test_every_string_of_the_app_has_an_english_translation():
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    mo = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    assert mo.exists() and mo.stat().st_mtime >= 0
    entries = [block for block in po.split("\n\n")[1:] if block.strip()]
    untranslated = [block.splitlines()[0] for block in entries
                    if block.rstrip().endswith('msgstr ""') and "Django site admin" not in block
                    and 'msgid "Home"' not in block]
    assert not untranslated, untranslated[:10]
    assert "#, fuzzy" not in po
