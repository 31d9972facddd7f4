"""The shared xlsx export: Chinese headers, labels for coded values, text cells that never become formulas,
the same rows as the filtered list (admin and API)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import ExportAdminMixin, safe_text
from partners.models import Partner
from tests.api.isolation_data import MAKERS
from tests.api.test_partner_isolation import EXPORTING
from tests.factories import ContractFactory
from tests.partners.import_support import csv_file, run
from tests.settlement.factories import NOV, OCT, SettlementStatementFactory

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://x","y")'
EXPORT_ADMINS = sorted(
    (model._meta.label for model, model_admin in admin.site._registry.items()
     if isinstance(model_admin, ExportAdminMixin)))


def workbook(content: bytes):
    return load_workbook(BytesIO(content))


def cells_of(content: bytes):
    for sheet in workbook(content).worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_looking_text_is_prefixed(text):
    assert safe_text(text) == "'" + text
    assert safe_text("甲公司 =1") == "甲公司 =1"


@pytest.fixture
def formula_partner(tmp_path):
    quoted = FORMULA_NAME.replace('"', '""')
    result = run("partners", csv_file(tmp_path, f'code,name,partner_class\nFX,"{quoted}",普通\n'))
    assert not result.errors, result.errors
    partner = Partner.objects.get(code="FX")
    assert partner.name == FORMULA_NAME
    return partner


@pytest.mark.parametrize(("prefix", "viewset", "basename"), EXPORTING, ids=[b for _, _, b in EXPORTING])
def test_an_imported_formula_name_is_exported_as_text(prefix, viewset, basename, formula_partner, staff_client):
    MAKERS[basename](formula_partner)
    content = staff_client.get(reverse(f"{basename}-export")).content
    cells = list(cells_of(content))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and {c.value for c in names} == {"'" + FORMULA_NAME} and {c.data_type for c in names} == {"s"}


@pytest.mark.parametrize(("prefix", "viewset", "basename"), EXPORTING, ids=[b for _, _, b in EXPORTING])
def test_exports_have_chinese_headers_and_labels(prefix, viewset, basename, partner_a, staff_client):
    MAKERS[basename](partner_a)
    sheet = workbook(staff_client.get(reverse(f"{basename}-export")).content).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert any(str(h).endswith("合作方编码") for h in headers) and any(str(h).endswith("合作方名称") for h in headers)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(h)) for h in headers), headers
    values = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "sales_channel" not in values and "approved" not in values  # codes appear as their labels


def test_api_export_follows_the_month_filter_and_labels_cooperation_types(partner_a, staff_client):
    MAKERS["notification"](partner_a)
    content = staff_client.get(reverse("notification-export"), {"month": "2026-10"}).content
    sheet = workbook(content).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "数字产品销售渠道" in rows[1]
    empty = workbook(staff_client.get(reverse("notification-export"), {"month": "2026-01"}).content).worksheets[0]
    assert empty.max_row == 1
    assert staff_client.get(reverse("notification-export"), {"month": "2026-13"}).status_code == 400


def test_assessments_export_their_items_on_a_second_sheet(partner_a, staff_client):
    assessment = MAKERS["assessment"](partner_a)
    book = workbook(staff_client.get(reverse("assessment-export")).content)
    assert book.sheetnames[-1] == "计算明细"
    items = list(book["计算明细"].iter_rows(values_only=True))
    assert items[0][:6] == ("编号", "合作方编码", "合作方名称", "合作类型", "月份", "规则编号")
    assert [row[5] for row in items[1:]] == [item["rule"] for item in assessment.items]
    assert {row[:5] for row in items[1:]} == {(assessment.pk, "PA", "甲公司", "数字产品销售渠道", "2026-10")}


@pytest.mark.parametrize("label", EXPORT_ADMINS)
def test_every_admin_export_renders(label, admin_client):
    app_label, model_name = label.lower().split(".")
    changelist = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200 and "导出 Excel" in changelist.content.decode()
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook(response.content)


def test_admin_export_page_follows_the_list_filters(admin_client, staff_user, client):
    contract = ContractFactory()
    SettlementStatementFactory(contract=contract, month=OCT, amount_due=Decimal("1.00"))
    SettlementStatementFactory(contract=contract, month=NOV, amount_due=Decimal("2.00"))
    url = reverse("admin:settlement_settlementstatement_export")
    assert workbook(admin_client.get(url).content).sheetnames == ["2026-10", "2026-11"]
    assert workbook(admin_client.get(url, {"month": "2026-11"}).content).sheetnames == ["2026-11"]
    listing = admin_client.get(reverse("admin:settlement_settlementstatement_changelist"), {"month": "2026-11"})
    assert f"{url}?month=2026-11" in listing.content.decode()
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="no_role", is_staff=True))  # staff without the model's view permission
    assert client.get(url).status_code == 403


def test_export_dates_are_dates_and_money_has_two_decimals(partner_a, staff_client):
    MAKERS["restriction"](partner_a)
    sheet = workbook(staff_client.get(reverse("restriction-export")).content).worksheets[0]
    assert any(isinstance(c.value, dt.datetime) and c.number_format == "yyyy-mm-dd" for c in sheet[2])


def test_export_headers_and_labels_follow_the_request_language(partner_a, staff_client):
    MAKERS["warning"](partner_a)
    sheet = workbook(staff_client.get(reverse("warning-export"), HTTP_ACCEPT_LANGUAGE="en").content).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["No.", "Partner code", "Partner name"] and "Warning level" in headers
    assert "Digital product sales channel" in [c.value for c in sheet[2]]
