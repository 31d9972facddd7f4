"""``import_data newspaper_products`` and ``newspaper_documents``: one import framework, all-or-nothing with row
errors, idempotent on the natural key (partner + name over open products; partner + kind + number)."""

import datetime as dt

import pytest
from django.core.management import call_command

from newspaper.choices import ProductStatus
from newspaper.models import NewspaperProduct, QualificationDocument
from partners.imports.services import data_file_import
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PRODUCTS = ("partner_code,name,editing_mode,category,delivery_format,proposed_on,scope,frequency,suggested_price,"
            "sections,demo\n")
DOCUMENTS = "partner_code,kind,number,issuer,valid_from,valid_to,category,held_by_parent,authorising_media\n"


def write(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    return path


@pytest.fixture
def partner(db):
    return PartnerFactory(code="NP1")


def test_products_import_then_reimport_changes_nothing(partner, tmp_path):
    text = PRODUCTS + ("NP1,新闻早晚报,central,current_news,mms,2026-03-02,,每日2期,3.00,要闻/国际,demo.zip\n"
                       "NP1,掌握生活,转载类,生活类,彩信,2026-03-02,local,,,,\n")
    path = write(tmp_path, text)
    call_command("import_data", "newspaper_products", str(path), verbosity=0)
    assert set(NewspaperProduct.objects.values_list("name", "editing_mode", "category", "scope", "status")) == {
        ("新闻早晚报", "central", "current_news", "national", "proposed"),
        ("掌握生活", "reprint", "lifestyle", "local", "proposed")}
    again = data_file_import(kind="newspaper_products", file=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = data_file_import(kind="newspaper_products", file=write(tmp_path, text.replace("3.00", "5.00")))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert NewspaperProduct.objects.get(name="新闻早晚报").suggested_price == 5


@pytest.mark.parametrize(("line", "error"), [
    ("NX,报A,central,current_news,mms,2026-03-02,,,,,", "row 2: partner_code:"),
    ("NP1,报A,weekly,current_news,mms,2026-03-02,,,,,", "row 2: editing_mode:"),
    ("NP1,报A,central,horoscope,mms,2026-03-02,,,,,", "row 2: category:"),
    ("NP1,报A,central,current_news,mms,2026-02-30,,,,,", "row 2: proposed_on:"),
    ("NP1,,central,current_news,mms,2026-03-02,,,,,", "row 2: name:"),
])
def test_products_bad_rows_are_named_and_nothing_is_written(line, error, partner, tmp_path):
    path = write(tmp_path, PRODUCTS + line + "\nNP1,好报,central,sports,wap,2026-03-02,,,,,\n")
    result = data_file_import(kind="newspaper_products", file=path)
    messages = [str(e) for e in result.errors]
    assert any(m.startswith(error) for m in messages), messages
    assert not NewspaperProduct.objects.exists()


def test_r_n_launch_products_import_refuses_a_name_inside_its_reapplication_lock(partner, tmp_path):
    NewspaperProduct.objects.create(partner=partner, name="新闻早晚报", editing_mode="central",
                                    category="current_news", delivery_format="mms", proposed_on=dt.date(2026, 1, 5),
                                    status=ProductStatus.REJECTED, rejected_on=dt.date(2026, 3, 2),
                                    reapply_from=dt.date(2026, 6, 2))
    early = data_file_import(kind="newspaper_products", file=write(
        tmp_path, PRODUCTS + "NP1,新闻早晚报,central,current_news,mms,2026-06-01,,,,,\n"))
    assert [str(e) for e in early.errors] == [
        "row 2: name: 产品“新闻早晚报”已于 2026-03-02 退回，2026-06-02 起方可重新申请（R-N-LAUNCH）"]
    on_time = data_file_import(kind="newspaper_products", file=write(
        tmp_path, PRODUCTS + "NP1,新闻早晚报,central,current_news,mms,2026-06-02,,,,,\n"))
    assert on_time.ok and on_time.created == 1
    assert NewspaperProduct.objects.filter(name="新闻早晚报").count() == 2


def test_documents_import_idempotent_with_cross_field_checks(partner, tmp_path):
    text = DOCUMENTS + ("NP1,news_licence,国新网10120170001,scio,2025-01-01,2028-12-31,,否,\n"
                        "NP1,content_authorisation,SQ-1,media,2026-01-01,2028-12-31,,false,某某日报社\n")
    path = write(tmp_path, text)
    first = data_file_import(kind="newspaper_documents", file=path)
    assert first.ok and first.created == 2
    again = data_file_import(kind="newspaper_documents", file=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert QualificationDocument.objects.get(number="SQ-1").authorising_media == "某某日报社"


@pytest.mark.parametrize(("line", "error"), [
    ("NP1,content_authorisation,SQ-2,media,2026-01-01,2028-12-31,,,", "row 2: authorising_media: 内容授权证明"),
    ("NP1,sector_licence,HY-1,csrc,2026-01-01,2028-12-31,,,", "row 2: category: 行业主管部门许可证须填写"),
    ("NP1,news_licence,X-1,scio,2026-01-01,2025-12-31,,,", "row 2: valid_to: 有效期至 2025-12-31 早于"),
    ("NP1,licence,X-1,scio,2026-01-01,2028-12-31,,,", "row 2: kind:"),
])
def test_documents_bad_rows_are_named_and_nothing_is_written(line, error, partner, tmp_path):
    path = write(tmp_path, DOCUMENTS + "NP1,news_licence,OK-1,scio,2025-01-01,2028-12-31,,,\n" + line + "\n")
    result = data_file_import(kind="newspaper_documents", file=path)
    messages = [str(e) for e in result.errors]
    assert any(m.startswith(error.replace("row 2", "row 3")) for m in messages), messages
    assert not QualificationDocument.objects.exists()
