"""R-N-LAUNCH in a browser: a product is walked from the need to the catalogue listing in the admin."""

import os
import shutil

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


@pytest.fixture
def browser_page(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN")
        yield page
        page.screenshot(path=str(tmp_path / "last.png"))
        browser.close()


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-browser-12345")
    page.click("#login-form button[type=submit]")  # the theme's login button
    page.wait_for_selector("text=待我审批")  # the sidebar of the home page


def _action(page, url, action, **fields):
    page.goto(f"{url}/admin/newspaper/newspaperproduct/")
    page.check("input[name=_selected_action]")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()  # the page the form posted to


@pytest.mark.skip(reason="written against the stock admin: the theme's changelist action bar (start_test with its "
                         "extra fields) still needs its selectors; login, save and messages are updated")
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
    page.click("button[name=_save]")
    page.wait_for_load_state()  # the page the form posted to
    product = NewspaperProduct.objects.get(name="浏览器早报")

    for _ in range(3):
        _action(page, url, "record_next_stage", document="阶段文件")
    _action(page, url, "start_test", start_date="2026-03-02", testers="张三,李四")
    test = product.tests.get()

    page.goto(f"{url}/admin/newspaper/producttest/{test.pk}/change/")
    for index, (score, day) in enumerate([("26", "2026-03-09"), ("27", "2026-03-10")]):
        page.fill(f"#id_scores-{index}-score", score)
        page.fill(f"#id_scores-{index}-scored_on", day)
    assert "平均 26.50 分 → 通过" in page.inner_text("#np-live-average")
    page.fill("#id_summary", "测试总结")
    page.fill("#id_summary_on", "2026-03-12")
    page.click("button[name=_save]")
    page.wait_for_load_state()  # the page the form posted to
    page.goto(f"{url}/admin/newspaper/producttest/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "submit_selected")
    page.click("button[name=index]")
    page.wait_for_load_state()  # the page the form posted to

    _login(page, url, "np_head")
    page.goto(f"{url}/admin/newspaper/producttest/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_load_state()  # the page the form posted to
    _action(page, url, "record_next_stage", document="计费局数据")

    page.goto(f"{url}/admin/newspaper/catalogueproduct/")
    assert "浏览器早报" in page.inner_text("#result_list")
    product.refresh_from_db()
    assert (product.status, product.launch_stage) == ("live", 6)
