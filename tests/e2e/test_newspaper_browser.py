"""R-N-LAUNCH in a browser: a product is walked from the need to the catalogue listing in the (themed) admin.

The steps wait for what a person sees (a message's text, the page's address) or for the database, never for
the theme's CSS classes.
"""

import os
import re
import shutil
import time

import pytest
from django.contrib.auth.models import Group

from core.choices import ApproverRole
from newspaper.models import NewspaperProduct
from newspaper.services import document_record, partner_profile_set
from tests.factories import PartnerFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 15000


@pytest.fixture
def browser_page(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(WAIT_MS)
        yield page
        page.screenshot(path=str(tmp_path / "last.png"))
        browser.close()


def _until(condition, what: str):
    """Wait for the database to show what the last click should have done (the live server is another thread)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.2)


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-browser-12345")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def _run_action(page, url, changelist, action, expected_text, **fields):
    """Select the only row, pick the action, run it; answer the intermediate page if the action asks for a text."""
    page.goto(f"{url}/admin/{changelist}/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", action)
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("button[name=index]")
    page.wait_for_load_state()
    if page.locator("textarea[name=text]").count():
        page.fill("textarea[name=text]", "同意")
        page.get_by_role("button", name="确定").click()
    page.get_by_text(expected_text).first.wait_for()


def _launch_stage(product):
    product.refresh_from_db()
    return product.launch_stage


def test_r_n_launch_walked_from_need_to_catalogue_in_the_browser(live_server, browser_page, django_user_model):
    django_user_model.objects.create_user("np_ops", password="pw-browser-12345", is_staff=True,
                                          is_superuser=True)
    head = django_user_model.objects.create_user("np_head", password="pw-browser-12345", is_staff=True,
                                                 is_superuser=True)
    head.groups.add(Group.objects.get(name=ApproverRole.DEPARTMENT_HEAD))
    partner = PartnerFactory(code="BR1", name="浏览器日报")
    partner_profile_set(partner=partner, relation="media")
    document_record(partner=partner, kind="news_licence", number="国新网-BR1", issuer="scio",
                    valid_from="2025-01-01", valid_to="2099-12-31")
    page, url = browser_page, live_server.url
    _login(page, url, "np_ops")

    page.goto(f"{url}/admin/newspaper/newspaperproduct/add/")
    # the partner field is an autocomplete widget: set the underlying select directly
    page.evaluate("(pk) => { const s = document.querySelector('#id_partner');"
                  " s.add(new Option('BR1', pk, true, true)); }", str(partner.pk))
    page.fill("#id_name", "浏览器早报")
    page.select_option("#id_editing_mode", "reprint")
    page.select_option("#id_category", "sports")
    page.select_option("#id_delivery_format", "mms")
    page.fill("#id_frequency", "每日1期")
    page.fill("#id_suggested_price", "2.00")
    page.fill("#id_content", "体育赛事")
    page.fill("#id_proposed_on", "2026-03-02")
    page.click("[name=_save]")
    page.wait_for_url(re.compile(r"/admin/newspaper/newspaperproduct/(\?.*)?$"))
    product = NewspaperProduct.objects.get(name="浏览器早报")

    for stage in (1, 2, 3):
        _run_action(page, url, "newspaper/newspaperproduct", "record_next_stage", "已登记", document="阶段文件")
        _until(lambda stage=stage: _launch_stage(product) == stage, f"launch stage {stage}")
    _run_action(page, url, "newspaper/newspaperproduct", "start_test", "测试已登记",
                start_date="2026-03-02", testers="张三,李四")
    _until(lambda: product.tests.exists(), "the product test")
    test = product.tests.get()

    page.goto(f"{url}/admin/newspaper/producttest/{test.pk}/change/")
    for index, (score, day) in enumerate([("26", "2026-03-09"), ("27", "2026-03-10")]):
        page.fill(f"#id_scores-{index}-score", score)
        page.fill(f"#id_scores-{index}-scored_on", day)
    page.get_by_text("平均 26.50 分 → 通过").wait_for()
    page.fill("#id_summary", "测试总结")
    page.fill("#id_summary_on", "2026-03-12")
    page.click("[name=_save]")
    page.wait_for_url(re.compile(r"/admin/newspaper/producttest/(\?.*)?$"))
    test.refresh_from_db()
    assert (test.average, test.decision, test.summary) == (26.5, "pass", "测试总结")
    _run_action(page, url, "newspaper/producttest", "submit_selected", "已处理 1 条")
    test.refresh_from_db()
    assert test.status == "submitted"

    _login(page, url, "np_head")
    _run_action(page, url, "newspaper/producttest", "approve_selected", "已处理 1 条")
    _until(lambda: _launch_stage(product) == 5, "the approved test recorded as launch stage 5")
    _run_action(page, url, "newspaper/newspaperproduct", "record_next_stage", "已登记", document="计费局数据")

    page.goto(f"{url}/admin/newspaper/catalogueproduct/")
    page.get_by_text("浏览器早报").first.wait_for()
    product.refresh_from_db()
    assert (product.status, product.launch_stage) == ("live", 6)
