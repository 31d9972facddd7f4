"""The same imports from .xlsx (first sheet): real Excel dates, numbers and booleans, the same errors."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook

from partners.models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue

from .import_support import csv_file, messages, run, snapshot, xlsx_file

pytestmark = pytest.mark.django_db

D = dt.date
COMPLAINTS = ["ticket_id", "partner_code", "cooperation_type", "received_on", "province", "handled_late", "upgraded_on"]
REVENUE = ["partner_code", "cooperation_type", "month", "phone_bill", "third_party", "cash"]


def test_complaints_with_real_excel_dates_numbers_and_booleans(tmp_path, partner_a):
    rows = [
        COMPLAINTS,
        ["T1", "PA", "sales_channel", dt.datetime(2026, 10, 1), "北京", True, dt.datetime(2026, 10, 9)],
        [20261002001, "PA", "sales_channel", "2026-10-02", None, 0, None],  # numeric ticket id, 0 = false
        [None, None, None, None, None, None, None],  # blank row: skipped
        ["  T3 ", " PA ", "joint_membership", D(2026, 10, 3), " 上海 ", "是", ""],
    ]
    path = xlsx_file(tmp_path, rows)
    result = run("complaints", path)
    assert result.ok and (result.created, result.rows) == (3, 3), messages(result)
    t1 = ComplaintTicket.objects.get(ticket_id="T1")
    assert (t1.received_on, t1.handled_late, t1.upgraded_on, t1.province) == (
        D(2026, 10, 1), True, D(2026, 10, 9), "北京")
    numeric = ComplaintTicket.objects.get(ticket_id="20261002001")
    assert (numeric.received_on, numeric.handled_late, numeric.province) == (D(2026, 10, 2), False, "")
    assert ComplaintTicket.objects.get(ticket_id="T3").province == "上海"
    again = run("complaints", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_revenue_months_as_excel_dates_and_float_amounts(tmp_path, partner_a):
    rows = [
        REVENUE,
        ["PA", "sales_channel", dt.datetime(2026, 10, 1), 1234.5, 0.1 + 0.2, 100],
        ["PA", "joint_membership", "2026-10", 0, 0, 99999999.99],
    ]
    result = run("revenue", xlsx_file(tmp_path, rows))
    assert result.ok, messages(result)
    sales = MonthlyRevenue.objects.get(cooperation_type="sales_channel")
    assert (sales.month, sales.phone_bill, sales.third_party, sales.cash) == (
        D(2026, 10, 1), Decimal("1234.50"), Decimal("0.30"), Decimal("100.00"))
    assert MonthlyRevenue.objects.get(cooperation_type="joint_membership").cash == Decimal("99999999.99")


def test_contracts_and_contributions_from_xlsx(tmp_path, partner_a):
    contracts = [
        ["partner_code", "cooperation_type", "start_date", "end_date", "revenue_share", "incubation"],
        ["PA", "sales_channel", dt.datetime(2024, 1, 1), None, 0.45, None],
        ["PA", "joint_membership", dt.datetime(2024, 2, 1), dt.datetime(2025, 1, 31), 1, False],
    ]
    assert run("contracts", xlsx_file(tmp_path, contracts, name="c.xlsx")).ok
    assert Contract.objects.get(cooperation_type="sales_channel").revenue_share == Decimal("0.4500")
    assert Contract.objects.get(cooperation_type="joint_membership").incubation is False
    contributions = [
        ["partner_code", "cooperation_type", "month", "marketing_resources", "active_users", "product_purchases",
         "product_category"],
        ["PA", "sales_channel", dt.datetime(2026, 10, 1), 1, 100000, 5000, "digital_album"],
    ]
    assert run("contributions", xlsx_file(tmp_path, contributions, name="m.xlsx")).ok
    row = MonthlyContribution.objects.get()
    assert (row.marketing_resources, row.active_users, row.product_purchases) == (True, 100000, Decimal("5000.00"))


XLSX_CASES = [
    ("missing required column", "complaints", [COMPLAINTS[:3], ["T1", "PA", "sales_channel"]],
     "row 1: received_on: 缺少必填列"),
    ("unknown partner", "complaints",
     [COMPLAINTS, ["T1", "PA", "sales_channel", D(2026, 10, 1)], ["T2", "NOPE", "sales_channel", D(2026, 10, 1)]],
     "row 3: partner_code: 合作方 'NOPE' 不存在"),
    ("unknown cooperation type", "complaints", [COMPLAINTS, ["T1", "PA", "radio", D(2026, 10, 1)]],
     "row 2: cooperation_type: 'radio' 不是有效值"),
    ("date as text in another form", "complaints", [COMPLAINTS, ["T1", "PA", "sales_channel", "2026.10.01"]],
     "row 2: received_on: '2026.10.01' 不是 YYYY-MM-DD 形式的日期"),
    ("date as a number", "complaints", [COMPLAINTS, ["T1", "PA", "sales_channel", 46296]],
     "row 2: received_on: '46296' 不是 YYYY-MM-DD 形式的日期"),
    ("bad boolean", "complaints", [COMPLAINTS, ["T1", "PA", "sales_channel", D(2026, 10, 1), "", 7]],
     "row 2: handled_late: '7' 不是布尔值"),
    ("duplicate ticket_id after a blank row", "complaints",
     [COMPLAINTS, ["T1", "PA", "sales_channel", D(2026, 10, 1)], [None] * 7,
      ["T1", "PA", "sales_channel", D(2026, 10, 2)]],
     "row 4: ticket_id: 与第 2 行的 ticket_id 相同"),
    ("month that is not the first", "revenue", [REVENUE, ["PA", "sales_channel", D(2026, 10, 15), 1, 0, 0]],
     "row 2: month: Excel 日期 2026-10-15 不是某月 1 日"),
    ("month out of form", "revenue", [REVENUE, ["PA", "sales_channel", "2026-13", 1, 0, 0]],
     "row 2: month: '2026-13' 不是 YYYY-MM 形式的月份"),
    ("negative amount", "revenue", [REVENUE, ["PA", "sales_channel", "2026-10", -0.01, 0, 0]],
     "row 2: phone_bill: '-0.01' 是负数"),
    ("non-numeric amount", "revenue", [REVENUE, ["PA", "sales_channel", "2026-10", 1, "n/a", 0]],
     "row 2: third_party: 'n/a' 不是数字"),
    ("boolean in an amount", "revenue", [REVENUE, ["PA", "sales_channel", "2026-10", 1, True, 0]],
     "row 2: third_party: 'True' 不是数字"),
    ("float with 3 decimals", "revenue", [REVENUE, ["PA", "sales_channel", "2026-10", 1.005, 0, 0]],
     "row 2: phone_bill: '1.005' 最多两位小数"),
    ("revenue_share outside 0-1", "contracts",
     [["partner_code", "cooperation_type", "start_date", "revenue_share"], ["PA", "sales_channel", D(2024, 1, 1), 45]],
     "row 2: revenue_share: '45' 超出 0–1 范围"),
    ("header only", "complaints", [COMPLAINTS], "row 2: file: 只有表头，没有数据行"),
    ("empty sheet", "complaints", [], "row 1: file: 工作表为空，没有表头"),
]


@pytest.mark.parametrize(("kind", "rows", "expected"), [c[1:] for c in XLSX_CASES], ids=[c[0] for c in XLSX_CASES])
def test_xlsx_bad_input_is_reported_and_nothing_is_written(tmp_path, partner_a, kind, rows, expected):
    before = snapshot()
    result = run(kind, xlsx_file(tmp_path, rows))
    assert not result.ok
    assert any(message.startswith(expected) for message in messages(result)), messages(result)
    assert snapshot() == before


def test_only_the_first_sheet_is_read(tmp_path, partner_a):
    book = Workbook()
    book.active.append(COMPLAINTS)
    book.active.append(["T1", "PA", "sales_channel", D(2026, 10, 1)])
    other = book.create_sheet("说明")
    other.append(["这一页不是数据"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    result = run("complaints", path)
    assert result.ok and result.created == 1


def test_a_broken_xlsx_is_refused(tmp_path, partner_a):
    result = run("complaints", csv_file(tmp_path, b"PK\x03\x04 not really a zip", name="broken.xlsx"))
    assert messages(result)[0].startswith("row 1: file: 不是有效的 .xlsx 文件")
