"""One journey per role through the admin, in headless Chromium (Debian's /usr/bin/chromium): 运营人员 imports
complaints, runs the daily job and exports what it produced; 部门领导 approves a control event; 分管领导 approves
one assessment and returns another, and the partner's API then publishes the approved one only (R-M-APPROVAL).
Screenshots of each step are kept in tests/e2e/artifacts/ (git-ignored)."""

import datetime as dt
import os
import shutil
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from controls.choices import ControlEventType
from controls.models import ControlEvent
from core.approval import approval_submit
from core.choices import ApproverRole
from demo.services import DEMO_PASSWORD, demo_load
from partners.services import partner_user_create
from scoring.models import DailyNotification, MonthlyAssessment, MonthlyWarning
from tests.controls.factories import record_event
from tests.factories import ContractFactory, PartnerFactory, UserFactory
from tests.scoring.factories import make_assessment

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "pw-journey-12345"
DAY = dt.date(2026, 10, 5)
INBOX_LINK = "#nav-sidebar-inner a[href='/admin/approvals/']"  # its text: the icon name, the title, the badge

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' data for later tests
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]

LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here happen between its calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()


def staff(username: str, role: str):
    user = UserFactory(username=username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def login(page, url: str, username: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("text=待我审批")  # the sidebar of the home page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_ops_imports_complaints_runs_the_daily_job_and_exports_the_warning(live_server, page, tmp_path):
    partner = PartnerFactory(code="E2E1", name="旅程科技有限公司")
    ContractFactory(partner=partner)
    staff("e2e_ops", ApproverRole.OPERATIONS)
    # 65 unknowing-subscription tickets in one day: 1 + (65 − 25) // 10 = 5 notifications (R-D-NOTIFY), which is
    # warning level 1 at once (R-D-WARN: 5–9); Chinese headers and values, as the business sends them
    lines = ["工单编号,合作方编码,合作类型,受理日期"] + [f"E2E{n:04d},E2E1,销售渠道,{DAY}" for n in range(65)]
    complaints = tmp_path / "投诉工单.csv"
    complaints.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = live_server.url
    login(page, url, "e2e_ops")

    page.goto(f"{url}/admin/partners/importrun/import/?kind=complaints")
    page.set_input_files("input[type=file][name=file]", str(complaints))
    page.click("#content-main form [type=submit]")
    page.wait_for_selector("text=65 行：新增 65")
    shot(page, "ops-1-import")

    page.goto(f"{url}/admin/core/jobrun/start/")
    page.select_option("#id_job", "run_daily_notifications")
    page.fill("#id_period", DAY.isoformat())
    page.click("#jobrun-start [type=submit]")
    page.wait_for_selector("text=已运行完成")
    shot(page, "ops-2-job")
    notification = DailyNotification.objects.get(partner=partner, date=DAY)
    assert (notification.complaint_count, notification.notifications) == (65, 5)
    assert MonthlyWarning.objects.get(partner=partner, month=DAY.replace(day=1)).level == 1

    page.goto(f"{url}/admin/")
    heatmap = page.inner_text("#heatmap")
    assert "E2E1" in heatmap and "5" in heatmap  # the partner's row of the month, 5 notifications on the 5th
    assert "1级" in page.inner_text("#content") or page.locator("#chart-warnings").count() == 1
    shot(page, "ops-3-dashboard")

    page.goto(f"{url}/admin/scoring/monthlywarning/")
    assert "E2E1" in page.inner_text("#result_list")
    with page.expect_download() as download_info:
        page.click("a[href$='export/']")
    saved = tmp_path / "warnings.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(BytesIO(saved.read_bytes())).worksheets[0]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    headers, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(headers, data[0], strict=False))
    assert any("E2E1" in str(value) for value in row.values())
    assert row[MonthlyWarning._meta.get_field("notification_count").verbose_name] == 5


def test_department_head_approves_a_control_event_from_its_detail_page(live_server, page):
    partner = PartnerFactory(code="E2E2", name="管控演示有限公司")
    ContractFactory(partner=partner)
    ops = staff("e2e_ops2", ApproverRole.OPERATIONS)
    staff("e2e_head", ApproverRole.DEPARTMENT_HEAD)
    event = record_event(partner, ControlEventType.GROUP_NOTICE, province="广东", actor=ops)
    approval_submit(obj=event, actor=ops)
    url = live_server.url
    login(page, url, "e2e_head")

    page.goto(f"{url}/admin/approvals/")
    assert page.inner_text(INBOX_LINK).split()[1:] == ["待我审批", "1"]  # the sidebar's badge
    shot(page, "head-1-inbox")
    page.click(f"a[href*='/admin/controls/controlevent/{event.pk}/change/']")
    page.wait_for_selector("#approval-panel")
    shot(page, "head-2-event")
    page.fill("form[data-approval-action=approve] input[name=text]", "同意")
    page.click("form[data-approval-action=approve] button[type=submit]")
    page.wait_for_selector("text=已处理")
    shot(page, "head-3-approved")
    event.refresh_from_db()
    assert event.status == "approved"
    assert "同意" in page.inner_text("#approval-panel")
    assert ControlEvent.objects.filter(status="submitted").count() == 0
    assert page.inner_text(INBOX_LINK).split()[1:] == ["待我审批"]  # nothing waits: no badge (not "NONE")


def test_division_leader_approves_one_assessment_returns_another_and_the_partner_sees_the_approved(
        live_server, browser, page):
    partner = PartnerFactory(code="E2E3", name="考核演示有限公司")
    ContractFactory(partner=partner)
    ops = staff("e2e_ops3", ApproverRole.OPERATIONS)
    staff("e2e_leader", ApproverRole.DIVISION_LEADER)
    september = make_assessment(partner, month=dt.date(2026, 9, 1), total=Decimal("86.50"))
    october = make_assessment(partner, month=dt.date(2026, 10, 1), total=Decimal("72.00"))
    for assessment in (september, october):
        approval_submit(obj=assessment, actor=ops)
    token = Token.objects.create(user=partner_user_create(username="e2e_partner", partner_code=partner.code))
    url = live_server.url
    login(page, url, "e2e_leader")

    page.goto(f"{url}/admin/approvals/")
    inbox = page.inner_text("#content")
    assert "2026-09" in inbox and "2026-10" in inbox
    shot(page, "leader-1-inbox")

    page.click(f"a[href*='/admin/scoring/monthlyassessment/{september.pk}/change/']")
    page.wait_for_selector("#approval-panel")
    page.click("form[data-approval-action=approve] button[type=submit]")
    page.wait_for_selector("text=已审批")
    shot(page, "leader-2-approved")

    page.goto(f"{url}/admin/approvals/")
    page.click(f"a[href*='/admin/scoring/monthlyassessment/{october.pk}/change/']")
    page.wait_for_selector("#approval-panel")
    page.fill("form[data-approval-action=return] input[name=text]", "收入数据待核实")
    page.click("form[data-approval-action=return] button[type=submit]")
    page.wait_for_selector("text=收入数据待核实")
    shot(page, "leader-3-returned")
    september.refresh_from_db()
    october.refresh_from_db()
    assert (september.status, october.status) == ("approved", "returned")

    api = browser.new_context()  # no staff session: the partner's token alone
    response = api.request.get(f"{url}/api/v1/assessments/", headers={"Authorization": f"Token {token.key}"})
    assert response.status == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(row["month"], row["status"]) for row in rows] == [("2026-09", "approved")]
    api.close()
    assert MonthlyAssessment.objects.filter(partner=partner).count() == 2


def test_the_dashboard_on_demo_data(live_server, page):
    """The README's picture: demo_leader's dashboard on a small demo; `DASHBOARD_PNG=docs/img/dashboard.png`
    refreshes the committed one."""
    demo_load(partner_count=24, months=2)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "demo_leader")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#dashboard")
    page.wait_for_function("() => document.querySelectorAll('#dashboard canvas').length > 0")
    page.wait_for_timeout(800)  # Chart.js animates its first draw
    assert page.locator("#heatmap tbody tr").count() > 0
    target = os.environ.get("DASHBOARD_PNG") or str(ARTIFACTS / "dashboard-demo.png")
    page.screenshot(path=target)  # the viewport, 1440 × 900
