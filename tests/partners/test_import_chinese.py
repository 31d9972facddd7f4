"""Imports accept the Chinese header names and the Chinese labels of every choice; each kind has a template
(Chinese headers, an example row) that imports as is, from the admin and the command line."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from codes.models import CodeMonthlyStat
from newspaper.models import NewspaperProduct, QualificationDocument
from partners.choices import ComplaintCategory, CooperationType, ImportKind, PartnerClass
from partners.imports.specs import SPECS
from partners.imports.template_files import template_workbook
from partners.models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue, Partner, SubChannel
from tests.codes.factories import BusinessCodeFactory
from tests.factories import PartnerFactory

from .import_support import csv_file, messages, run

pytestmark = pytest.mark.django_db

KINDS_IN_ORDER = ["partners", "contracts", "sub_channels", "complaints", "revenue", "contributions", "code_stats",
                  "newspaper_products", "newspaper_documents"]


def test_partners_with_chinese_headers_and_values(tmp_path):
    result = run("partners", csv_file(tmp_path, "合作方编码,合作方名称,合作方类别\nP1,甲公司,普通\nP2,乙公司,核心\n"))
    assert not result.errors, messages(result)
    assert dict(Partner.objects.values_list("code", "partner_class")) == {
        "P1": PartnerClass.ORDINARY, "P2": PartnerClass.CORE}


def test_complaints_with_chinese_headers_short_labels_and_yes_no(tmp_path):
    PartnerFactory(code="P1")
    text = ("工单编号,合作方编码,合作类型,受理日期,投诉类别,处理超时,质检不合格\n"
            "T1,P1,销售渠道,2026-10-03,不知情订购,是,否\n"
            "T2,P1,联合会员,2026-10-04,其他,否,是\n")
    result = run("complaints", csv_file(tmp_path, text))
    assert not result.errors, messages(result)
    assert sorted(ComplaintTicket.objects.values_list(
        "ticket_id", "cooperation_type", "category", "handled_late", "quality_failed")) == [
        ("T1", CooperationType.SALES_CHANNEL, ComplaintCategory.UNKNOWING_SUBSCRIPTION, True, False),
        ("T2", CooperationType.JOINT_MEMBERSHIP, ComplaintCategory.OTHER, False, True)]


def test_english_labels_and_chinese_labels_whatever_the_language(tmp_path):
    PartnerFactory(code="P1")
    text = "合作方编码,合作类型,月份,话费收入（元）,第三方支付收入,现金收入\nP1,数字产品销售渠道,2026-10,1.00,0,0\n"
    with translation.override("en"):
        result = run("revenue", csv_file(tmp_path, text))
    assert not result.errors, messages(result)
    assert MonthlyRevenue.objects.get().cooperation_type == CooperationType.SALES_CHANNEL


def test_a_part_of_a_label_naming_two_choices_is_refused(tmp_path):
    PartnerFactory(code="P1")
    result = run("complaints", csv_file(tmp_path, "ticket_id,partner_code,cooperation_type,received_on\n"
                                                  "T1,P1,会,2026-10-03\nT2,P1,渠道会员,2026-10-03\n"))
    assert [m.split(" 不是")[0] for m in messages(result)] == [
        "row 2: cooperation_type: '会'", "row 3: cooperation_type: '渠道会员'"]


def test_a_column_given_both_in_english_and_chinese_is_a_duplicate(tmp_path):
    result = run("partners", csv_file(tmp_path, "code,合作方编码,name,partner_class\nP1,P1,甲,普通\n"))
    assert messages(result) and "列名重复" in messages(result)[0]
    assert not Partner.objects.exists()


def test_every_kind_has_aliases_for_every_column_and_a_complete_example():
    for kind in KINDS_IN_ORDER:
        spec = SPECS[kind]
        names = {c.name for c in spec.columns}
        assert set(spec.aliases) == names, kind
        assert {c.name for c in spec.columns if c.required} <= set(spec.example), kind


def test_every_template_imports_cleanly(tmp_path):
    BusinessCodeFactory(code="B0001", contract__partner=PartnerFactory(code="P_CODES"))
    for kind in KINDS_IN_ORDER:
        content = template_workbook(SPECS[kind])
        sheet = load_workbook(BytesIO(content)).worksheets[0]
        headers = [c.value for c in sheet[1]]
        assert headers == [SPECS[kind].header_name(c.name) for c in SPECS[kind].columns]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers), headers
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(content)
        result = run(kind, path)
        assert not result.errors and not result.warnings, (kind, messages(result), result.warnings)
        assert result.created == 1, kind
    for model in (SubChannel, ComplaintTicket, MonthlyRevenue, MonthlyContribution, CodeMonthlyStat):
        assert model.objects.count() == 1, model
    assert Contract.objects.get(partner__code="P0001").cooperation_type == CooperationType.SALES_CHANNEL
    product = NewspaperProduct.objects.get(partner__code="P0001")
    assert (product.editing_mode, product.category, product.delivery_format) == ("central", "current_news", "mms")
    assert QualificationDocument.objects.get(partner__code="P0001").kind == "news_licence"


def test_every_import_kind_is_offered_on_the_admin_import_page_with_its_template(admin_client):
    page = admin_client.get(reverse("admin:partners_import")).content.decode()
    for kind in ImportKind.values:
        assert kind in SPECS, kind
        assert reverse("admin:partners_import_template", args=[kind]) in page, kind
    assert {"newspaper_products", "newspaper_documents"} <= set(ImportKind.values)


def test_template_from_the_command_line(tmp_path):
    out = tmp_path / "t.xlsx"
    call_command("import_data", "complaints", "--template", str(out))
    headers = [c.value for c in load_workbook(out).worksheets[0][1]]
    assert headers[:4] == ["工单编号", "合作方编码", "合作类型", "受理日期"]


def test_template_from_the_admin_import_page(admin_client, tmp_path):
    page = admin_client.get(reverse("admin:partners_import")).content.decode()
    url = reverse("admin:partners_import_template", args=["revenue"])
    assert url in page and "下载模板" in page
    response = admin_client.get(url)
    assert response.status_code == 200 and "import_template_revenue.xlsx" in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).sheetnames == ["revenue", "说明"]
    assert admin_client.get(reverse("admin:partners_import_template", args=["nothing"])).status_code == 404
