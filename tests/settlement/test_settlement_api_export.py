"""GET /api/v1/settlements/ per CONTRACT.md §3 (partners only see their own approved statements), the Excel
export (API endpoint and admin action: one sheet per month, Chinese headers, exact totals) and the admin list."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.choices import ApprovalStatus
from partners.choices import CooperationType
from settlement.models import WriteDown
from tests.factories import ContractFactory
from tests.scoring.factories import make_warning

from .factories import NOV, OCT, SettlementStatementFactory, run, set_revenue, statement_of

pytestmark = pytest.mark.django_db

M = Decimal
CONTRACT_FIELDS = {"partner", "cooperation_type", "month", "revenue", "payable", "warning_factor", "deductions",
                   "amount_due", "carried_forward", "status", "items"}


def test_partner_sees_only_its_own_approved_statements(partner_a, partner_b, partner_a_client, staff_client,
                                                       staff_user, division_leader):
    from core.approval import approval_approve, approval_submit

    own = ContractFactory(partner=partner_a, revenue_share=M("0.4500"))
    other = ContractFactory(partner=partner_b)
    for c in (own, other):
        set_revenue(c, OCT, "12345.67")
        set_revenue(c, NOV, "100.00")
    make_warning(partner_a, month=OCT, level=1)
    run(OCT)
    run(NOV)
    for c in (own, other):
        statement = statement_of(c, OCT)
        approval_submit(obj=statement, actor=staff_user)
        approval_approve(obj=statement, actor=division_leader)

    rows = partner_a_client.get(reverse("settlement-list")).json()["results"]
    assert len(rows) == 1  # November is still a draft; partner B's rows never show
    row = rows[0]
    assert CONTRACT_FIELDS <= set(row)
    assert (row["partner"], row["cooperation_type"], row["month"], row["status"]) == (
        "PA", "sales_channel", "2026-10", "approved")
    assert (row["revenue"], row["payable"], row["amount_due"], row["deductions"], row["carried_forward"]) == (
        "12345.67", "5555.55", "4166.66", "0.00", "0.00")
    assert row["warning_factor"] == 0.75
    assert [item["rule"] for item in row["items"]] == ["R-S-BASE", "R-S-WARN"]
    november = statement_of(own, NOV)
    assert partner_a_client.get(reverse("settlement-detail", args=[november.pk])).status_code == 404

    assert staff_client.get(reverse("settlement-list"), {"month": "2026-11"}).json()["count"] == 2
    assert staff_client.get(reverse("settlement-list"), {"partner": "PB", "month": "2026-10"}).json()["count"] == 1
    assert staff_client.get(reverse("settlement-list"), {"month": "2026-13"}).status_code == 400


def read_workbook(content: bytes):
    return load_workbook(BytesIO(content))


def test_export_endpoint_one_sheet_per_month_with_exact_totals(staff_client, partner_a, partner_a_client):
    a = SettlementStatementFactory(contract=ContractFactory(partner=partner_a), amount_due=M("333.33"))
    SettlementStatementFactory(contract=ContractFactory(), amount_due=M("0.01"))
    SettlementStatementFactory(contract=a.contract, month=NOV, amount_due=M("1.10"), status=ApprovalStatus.DRAFT)

    response = staff_client.get(reverse("settlement-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = read_workbook(response.content)
    assert workbook.sheetnames == ["2026-10", "2026-11"]
    sheet = workbook["2026-10"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["合作方编码", "合作方名称", "合作类型"] and "本期应付（元）" in headers
    due_column = headers.index("本期应付（元）")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "合计"
    assert M(str(rows[-1][due_column])) == M("333.34")
    assert sorted(M(str(r[due_column])) for r in rows[:-1]) == [M("0.01"), M("333.33")]

    partner_export = read_workbook(partner_a_client.get(reverse("settlement-export")).content)
    assert partner_export.sheetnames == ["2026-10"]  # the draft November statement is not published
    assert [r[0] for r in partner_export["2026-10"].iter_rows(min_row=2, values_only=True)] == ["PA", "合计"]


def test_admin_list_shows_totals_and_exports(admin_client):
    SettlementStatementFactory(amount_due=M("100.10"), held_balance=M("5.00"), on_hold=True)
    SettlementStatementFactory(amount_due=M("0.00"), carried_forward=M("-20.00"),
                               contract=ContractFactory(cooperation_type=CooperationType.JOINT_MEMBERSHIP),
                               cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    url = reverse("admin:settlement_settlementstatement_changelist")
    response = admin_client.get(url, {"month": "2026-10"})
    html = response.content.decode()
    assert response.status_code == 200 and "100.10" in html and "-20.00" in html and "1 / 1" in html
    ids = [str(pk) for pk in admin_client.get(url).context["cl"].queryset.values_list("pk", flat=True)]
    export = admin_client.post(url, {"action": "export_xlsx", "_selected_action": ids})
    assert read_workbook(export.content).sheetnames == ["2026-10"]


def test_admin_write_down_form_refuses_an_approved_month(admin_client):
    statement = SettlementStatementFactory()
    response = admin_client.post(reverse("admin:settlement_writedown_add"), {
        "contract": statement.contract_id, "month": "2026-10-01", "amount": "10.00", "reference": "", "reason": "",
        "_save": "1"})
    assert response.status_code == 200 and "已审批" in response.content.decode()
    assert not WriteDown.objects.exists()
    response = admin_client.post(reverse("admin:settlement_writedown_add"), {
        "contract": statement.contract_id, "month": "2026-11-01", "amount": "10.00", "reference": "HX", "reason": "",
        "_save": "1"})
    assert response.status_code == 302 and WriteDown.objects.get().created_by is not None


def test_partner_overview_shows_held_and_carried_amounts(admin_client):
    statement = SettlementStatementFactory(held_balance=M("12.34"), on_hold=True, amount_due=M("0.00"))
    html = admin_client.get(reverse("admin:controls_partner_overview", args=[statement.partner_id])).content.decode()
    assert "12.34" in html and "暂扣合计：12.34" in html


def test_api_approval_actions_for_staff(staff_client, division_leader):
    from rest_framework.test import APIClient

    statement = SettlementStatementFactory(status=ApprovalStatus.DRAFT, month=dt.date(2026, 10, 1))
    assert staff_client.post(reverse("settlement-submit", args=[statement.pk]), {}).status_code == 200
    leader = APIClient()
    leader.force_authenticate(division_leader)
    response = leader.post(reverse("settlement-approve", args=[statement.pk]), {})
    assert response.status_code == 200 and response.json()["status"] == "approved"


@pytest.mark.parametrize(
    "name",
    ["controls_controlevent", "controls_controlmeasure", "controls_extrapenalty", "settlement_settlementstatement",
     "settlement_writedown", "settlement_extradeduction", "settlement_negativeoffsetdecision",
     "settlement_settlementadjustment"],
)
def test_admin_pages_render(admin_client, name):
    from tests.controls.factories import record_event

    event = record_event(ContractFactory().partner, "group_notice")
    statement = SettlementStatementFactory()
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    if name not in {"controls_controlmeasure", "settlement_settlementstatement"}:
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200
    objects = {"controls_controlevent": event, "controls_controlmeasure": event.measures.first(),
               "settlement_settlementstatement": statement}
    if name in objects:
        assert admin_client.get(reverse(f"admin:{name}_change", args=[objects[name].pk])).status_code == 200
