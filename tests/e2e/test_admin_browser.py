"""A person's path through the admin and the API docs, in headless Chromium (Debian's /usr/bin/chromium)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' data for later tests
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]

LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser_page(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here happen before/after it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN")
        yield page
        page.screenshot(path=str(tmp_path / "last.png"))
        browser.close()


def test_staff_copies_the_rule_set_in_force_to_a_draft(live_server, browser_page, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root-12345")
    page.click("#login-form button[type=submit]")  # the theme's login button
    page.wait_for_selector("text=待我审批")  # the sidebar of the home page

    page.goto(f"{live_server.url}/admin/scoring/ruleset/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "copy_as_draft")
    page.click("button[name=index]")
    page.wait_for_selector("text=已创建草稿")
    assert page.locator("#result_list tbody tr").count() == 2


def test_api_docs_render_without_a_cdn(live_server, browser_page):
    page = browser_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "migu-ops API" in page.inner_text(".swagger-ui .info .title")
    assert not [url for url in failed if not url.startswith(live_server.url)]
