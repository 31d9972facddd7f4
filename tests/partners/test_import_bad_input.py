"""Bad input (CONTRACT.md §1): every bad row is reported as ``row N: column: reason`` and nothing is written.

N is the file's line number with the header as row 1. Each case has valid rows too, so "nothing written"
proves all-or-nothing rather than an empty file.
"""

import datetime as dt

import pytest
from openpyxl import Workbook

from partners.choices import ImportStatus
from partners.models import ImportRun
from tests.factories import ContractFactory

from .import_support import csv_file, messages, run, snapshot, xlsx_file

pytestmark = pytest.mark.django_db

COMPLAINTS = "ticket_id,partner_code,cooperation_type,received_on,handled_late\n"
REVENUE = "partner_code,cooperation_type,month,phone_bill,third_party,cash\n"
CONTRACTS = "partner_code,cooperation_type,start_date,end_date,revenue_share\n"
CONTRIBUTIONS = (
    "partner_code,cooperation_type,month,marketing_resources,marketing_includes_client_promotion,active_users\n"
)
OK_COMPLAINT = "T1,PA,sales_channel,2026-10-01,false\n"
OK_REVENUE = "PA,sales_channel,2026-09,100,0,0\n"

CASES = [
    # (id, kind, file content, expected "row N: column: reason" fragment)
    ("missing required column", "complaints",
     "ticket_id,partner_code,cooperation_type\nT1,PA,sales_channel\n", "row 1: received_on: 缺少必填列"),
    ("duplicate column", "complaints",
     "ticket_id,partner_code,cooperation_type,received_on,ticket_id\n" + "T1,PA,sales_channel,2026-10-01,T1\n",
     "row 1: ticket_id: 列名重复"),
    ("unknown partner", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,NOPE,sales_channel,2026-10-01,false\n",
     "row 3: partner_code: 合作方 'NOPE' 不存在"),
    ("partner code blank", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,,sales_channel,2026-10-01,false\n",
     "row 3: partner_code: 必填，不能为空"),
    ("unknown cooperation type", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,cable_tv,2026-10-01,false\n",
     "row 3: cooperation_type: 'cable_tv' 不是有效值，可选：sales_channel | joint_membership"),
    ("unknown category", "complaints",
     "ticket_id,partner_code,cooperation_type,received_on,category\nT1,PA,sales_channel,2026-10-01,rude\n",
     "row 2: category: 'rude' 不是有效值"),
    ("impossible date", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-02-30,false\n",
     "row 3: received_on: '2026-02-30' 不是有效日期"),
    ("date with slashes", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026/10/01,false\n",
     "row 3: received_on: '2026/10/01' 不是 YYYY-MM-DD 形式的日期"),
    ("compact date", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,20261001,false\n",
     "row 3: received_on: '20261001' 不是 YYYY-MM-DD 形式的日期"),
    ("bad upgraded_on", "complaints",
     "ticket_id,partner_code,cooperation_type,received_on,upgraded_on\nT1,PA,sales_channel,2026-10-01,soon\n",
     "row 2: upgraded_on: 'soon' 不是 YYYY-MM-DD 形式的日期"),
    ("bad boolean", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,maybe\n",
     "row 3: handled_late: 'maybe' 不是布尔值，可用：true/false/1/0/yes/no/是/否"),
    ("NUL byte in a boolean", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,fa\x00lse\n",
     "row 3: handled_late: 'fa\\x00lse' 不是布尔值"),
    ("boolean 2", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,2\n",
     "row 3: handled_late: '2' 不是布尔值"),
    ("duplicate ticket_id", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,false\n"
     + "T1,PA,sales_channel,2026-10-02,true\n", "row 4: ticket_id: 与第 2 行的 ticket_id 相同（文件内重复）"),
    ("ticket_id too long", "complaints", COMPLAINTS + "T" * 65 + ",PA,sales_channel,2026-10-01,false\n",
     "row 2: ticket_id: 长度 65 超过 64 个字符"),
    ("value beyond the header", "complaints", COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,false,x\n",
     "row 3: #6: 表头之外多出的值 'x'"),
    ("month 13", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-13,1,0,0\n",
     "row 3: month: '2026-13' 不是 YYYY-MM 形式的月份（月份 01–12）"),
    ("month with slash", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026/10,1,0,0\n",
     "row 3: month: '2026/10' 不是 YYYY-MM 形式的月份"),
    ("month without dash", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,202610,1,0,0\n",
     "row 3: month: '202610' 不是 YYYY-MM 形式的月份"),
    ("month as a date", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10-01,1,0,0\n",
     "row 3: month: '2026-10-01' 不是 YYYY-MM 形式的月份"),
    ("negative amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,-1,0,0\n",
     "row 3: phone_bill: '-1' 是负数，金额不能为负"),
    ("non-numeric amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,1,abc,0\n",
     "row 3: third_party: 'abc' 不是数字"),
    ("amount with thousands separator", "revenue", REVENUE + OK_REVENUE + 'PA,joint_membership,2026-10,1,0,"1,000"\n',
     "row 3: cash: '1,000' 不是数字"),
    ("amount NaN", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,NaN,0,0\n",
     "row 3: phone_bill: 'NaN' 不是数字"),
    ("amount with 3 decimals", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,1.005,0,0\n",
     "row 3: phone_bill: '1.005' 最多两位小数（元）"),
    ("amount blank", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,,0,0\n",
     "row 3: phone_bill: 必填，不能为空"),
    ("duplicate natural key", "revenue", REVENUE + OK_REVENUE + "PA,sales_channel,2026-09,5,0,0\n",
     "row 3: partner_code+cooperation_type+month: 与第 2 行的 partner_code+cooperation_type+month 相同"),
    ("revenue_share above 1", "contracts", CONTRACTS + "PA,sales_channel,2024-01-01,,0.5\n"
     + "PA,joint_membership,2024-01-01,,1.2\n", "row 3: revenue_share: '1.2' 超出 0–1 范围"),
    ("revenue_share below 0", "contracts", CONTRACTS + "PA,sales_channel,2024-01-01,,-0.1\n",
     "row 2: revenue_share: '-0.1' 超出 0–1 范围"),
    ("revenue_share as percent", "contracts", CONTRACTS + "PA,sales_channel,2024-01-01,,45%\n",
     "row 2: revenue_share: '45%' 不是数字"),
    ("end before start", "contracts", CONTRACTS + "PA,sales_channel,2024-01-01,2023-12-31,0.5\n",
     "row 2: end_date: 结束日期 2023-12-31 早于开始日期 2024-01-01"),
    ("bad incubation boolean", "contracts",
     "partner_code,cooperation_type,start_date,revenue_share,incubation\nPA,sales_channel,2024-01-01,0.5,sometimes\n",
     "row 2: incubation: 'sometimes' 不是布尔值"),
    ("unknown partner class", "partners", "code,name,partner_class\nP9,某公司,vip\n",
     "row 2: partner_class: 'vip' 不是有效值，可选：ordinary | core"),
    ("partner name blank", "partners", "code,name,partner_class\nP9,  ,core\n", "row 2: name: 必填，不能为空"),
    ("duplicate partner code", "partners", "code,name,partner_class\nP9,甲,core\nP9,乙,core\n",
     "row 3: code: 与第 2 行的 code 相同"),
    ("sub-channel of unknown partner", "sub_channels", "partner_code,code,name\nNOPE,SC1,某App\n",
     "row 2: partner_code: 合作方 'NOPE' 不存在"),
    ("active users not whole", "contributions", CONTRIBUTIONS + "PA,sales_channel,2026-10,true,false,12.5\n",
     "row 2: active_users: '12.5' 不是整数"),
    ("active users negative", "contributions", CONTRIBUTIONS + "PA,sales_channel,2026-10,true,false,-3\n",
     "row 2: active_users: '-3' 是负数"),
    ("client promotion without marketing (R-M-NODOUBLE)", "contributions",
     CONTRIBUTIONS + "PA,sales_channel,2026-10,false,true,0\n",
     "row 2: marketing_includes_client_promotion: marketing_resources 为 false 时不能为 true（R-M-NODOUBLE）"),
    ("negative product purchases", "contributions",
     "partner_code,cooperation_type,month,product_purchases\nPA,sales_channel,2026-10,-5\n",
     "row 2: product_purchases: '-5' 是负数"),
    ("empty file (0 bytes)", "complaints", b"", "row 1: file: 文件为空（0 字节）"),
    ("header only", "complaints", COMPLAINTS, "row 2: file: 只有表头，没有数据行"),
    ("header and blank lines only", "revenue", REVENUE + "\n\n,,,,,\n", "row 2: file: 只有表头，没有数据行"),
    ("blank first line", "complaints", "\n" + COMPLAINTS + OK_COMPLAINT, "row 1: file: 第一行是空的，应为表头"),
    ("wrong encoding (GBK)", "complaints",
     (COMPLAINTS + "T1,PA,sales_channel,2026-10-01,否\n").encode("gbk"), "row 2: file: 不是 UTF-8 编码"),
    ("legacy xls", "complaints", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "row 1: file: 不支持旧版 .xls 文件"),
    # Text the database cannot store
    ("NUL byte in a ticket id", "complaints", COMPLAINTS + OK_COMPLAINT + "T\x002,PA,sales_channel,2026-10-01,false\n",
     "row 3: ticket_id: 含有 NUL 字符（\\x00，第 2 个字符），数据库无法保存"),
    ("NUL byte in a partner name", "partners", "code,name,partner_class\nP8,甲,core\nP9,某\x00公司,core\n",
     "row 3: name: 含有 NUL 字符"),
    ("NUL byte in a province", "complaints",
     "ticket_id,partner_code,cooperation_type,received_on,province\nT1,PA,sales_channel,2026-10-01,北\x00京\n",
     "row 2: province: 含有 NUL 字符"),
    ("field over 128 KiB", "complaints",
     COMPLAINTS + OK_COMPLAINT + 'T2,PA,sales_channel,2026-10-01,"' + "x" * (129 * 1024) + '"\n',
     "row 3: file: 有一个字段超过 128 KiB，无法读取"),
    ("unclosed quote swallowing the file", "complaints",
     COMPLAINTS + OK_COMPLAINT + 'T2,PA,"sales_channel,2026-10-01,false\n' + OK_COMPLAINT * 7000,
     "row 3: file: 有一个字段超过 128 KiB"),
    # Rows that do not match the header
    ("last row cut short", "complaints",
     "ticket_id,partner_code,cooperation_type,received_on,province,category\n"
     "PRB-T1,PA,sales_channel,2026-12-13,北京,other\nPRB-T2,PA,sales_channel,2026-12-13,广",
     "row 3: category: 该行只有 5 个值，少于表头的 6 列（行不完整，可能被截断）；缺少的值不会按默认值补齐"),
    ("row with fewer cells, optional ones missing", "complaints",
     COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01\n",
     "row 3: handled_late: 该行只有 4 个值，少于表头的 5 列"),
    ("row with one blank cell too many", "complaints",
     COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,false,\n",
     "row 3: #6: 该行有 6 个值，多于表头的 5 列（多余的分隔符？）"),
    # Numbers Excel has mangled, and the one number spelling (docs/imports.md)
    ("ticket id in scientific notation", "complaints",
     COMPLAINTS + OK_COMPLAINT + "9.87654E+11,PA,sales_channel,2026-10-01,false\n",
     "row 3: ticket_id: '9.87654E+11' 是 Excel 显示的科学计数法，原来的数字已丢失"),
    ("partner code in scientific notation", "partners", "code,name,partner_class\n1.2E+10,某公司,core\n",
     "row 2: code: '1.2E+10' 是 Excel 显示的科学计数法"),
    ("full-width digits in an amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,１２３,0,0\n",
     "row 3: phone_bill: '１２３' 不是数字：含全角字符，请改为半角数字"),
    ("full-width point in an amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,12．5,0,0\n",
     "row 3: phone_bill: '12．5' 不是数字：含全角字符"),
    ("underscore separator in an amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,1,0,1_000\n",
     "row 3: cash: '1_000' 不是数字：不接受千位分隔符"),
    ("exponent in an amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,1e3,0,0\n",
     "row 3: phone_bill: '1e3' 不是数字（只接受半角数字、可选的小数点"),
    ("Arabic-Indic digits in an amount", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,2026-10,١٢,0,0\n",
     "row 3: phone_bill: '١٢' 不是数字"),
    ("full-width digits in a count", "contributions", CONTRIBUTIONS + "PA,sales_channel,2026-10,true,false,１２\n",
     "row 2: active_users: '１２' 不是数字：含全角字符"),
    ("underscore in a count", "contributions", CONTRIBUTIONS + "PA,sales_channel,2026-10,true,false,1_000\n",
     "row 2: active_users: '1_000' 不是数字：不接受千位分隔符"),
    ("full-width digits in a revenue share", "contracts", CONTRACTS + "PA,sales_channel,2024-01-01,,０.５\n",
     "row 2: revenue_share: '０.５' 不是数字：含全角字符"),
    ("full-width digits in a date", "complaints",
     COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,２０２６-１０-０１,false\n",
     "row 3: received_on: '２０２６-１０-０１' 不是"),
    ("full-width digits in a month", "revenue", REVENUE + OK_REVENUE + "PA,joint_membership,２０２６-１０,1,0,0\n",
     "row 3: month: '２０２６-１０' 不是 YYYY-MM 形式的月份"),
]


@pytest.mark.parametrize(("kind", "content", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_nothing_is_written(tmp_path, partner_a, kind, content, expected):
    ContractFactory(partner=partner_a)  # some existing data that must stay exactly as it is
    before = snapshot()
    result = run(kind, csv_file(tmp_path, content))
    assert not result.ok
    assert any(message.startswith(expected) for message in messages(result)), messages(result)
    assert snapshot() == before
    run_record = ImportRun.objects.get(pk=result.run_id)
    assert run_record.status == ImportStatus.REJECTED
    assert expected in run_record.errors
    assert (run_record.created, run_record.updated, run_record.unchanged) == (0, 0, 0)


def test_gbk_error_names_the_encoding_and_suggests_utf8(tmp_path, partner_a):
    content = (COMPLAINTS + OK_COMPLAINT + "T2,PA,sales_channel,2026-10-01,是\n").encode("gbk")
    [message] = messages(run("complaints", csv_file(tmp_path, content)))
    assert message.startswith("row 3: file: 不是 UTF-8 编码")
    assert "GBK" in message and "UTF-8" in message and "另存为" in message


def test_every_bad_row_and_every_bad_cell_is_reported_in_file_order(tmp_path, partner_a):
    content = (
        COMPLAINTS
        + OK_COMPLAINT
        + "T2,NOPE,sales_channel,2026-10-01,false\n"
        + "\n"  # blank line: skipped, but it still counts for the line numbers
        + "T3,PA,cable_tv,2026-13-01,maybe\n"
        + OK_COMPLAINT.replace("T1", "T4")
    )
    before = snapshot()
    result = run("complaints", csv_file(tmp_path, content))
    assert messages(result) == [
        "row 3: partner_code: 合作方 'NOPE' 不存在（请先导入 partners）",
        "row 5: cooperation_type: 'cable_tv' 不是有效值，可选：sales_channel | joint_membership",
        "row 5: received_on: '2026-13-01' 不是有效日期",
        "row 5: handled_late: 'maybe' 不是布尔值，可用：true/false/1/0/yes/no/是/否",
    ]
    assert result.error_count == 4
    assert snapshot() == before


def test_missing_required_columns_are_all_listed(tmp_path, partner_a):
    result = run("revenue", csv_file(tmp_path, "partner_code,month,cash\nPA,2026-10,1\n"))
    assert messages(result) == [
        "row 1: cooperation_type: 缺少必填列",
        "row 1: phone_bill: 缺少必填列",
        "row 1: third_party: 缺少必填列",
    ]


def test_line_numbers_count_multi_line_quoted_fields(tmp_path, partner_a):
    content = (
        "ticket_id,partner_code,cooperation_type,received_on,province\n"
        'T1,PA,sales_channel,2026-10-01,"北京\n(备注)"\n'
        "T2,PA,sales_channel,2026-10-40,上海\n"
    )
    assert messages(run("complaints", csv_file(tmp_path, content))) == [
        "row 4: received_on: '2026-10-40' 不是有效日期"
    ]


def test_all_errors_are_counted_and_streamed_but_only_the_first_are_kept(tmp_path, partner_a):
    content = COMPLAINTS + "".join(f"T{n},NOPE,sales_channel,2026-10-01,false\n" for n in range(1500))
    streamed = []
    result = run("complaints", csv_file(tmp_path, content), on_error=streamed.append, keep_errors=1000)
    assert result.error_count == 1500 and len(streamed) == 1500 and len(result.errors) == 1000
    assert str(streamed[-1]) == "row 1501: partner_code: 合作方 'NOPE' 不存在（请先导入 partners）"
    assert result.errors_not_shown == 500
    assert "另有 500 个错误未保存" in ImportRun.objects.get(pk=result.run_id).errors


# --- xlsx cells that have no usable value, and the file-level checks of a workbook ---------------------

XLSX_COMPLAINTS = ["ticket_id", "partner_code", "cooperation_type", "received_on", "handled_late"]
XLSX_OK = ["T1", "PA", "sales_channel", "2026-10-01", False]


def _formula_book(tmp_path, rows):
    """openpyxl writes formulas without a cached value, as a file never opened in Excel would have."""
    return xlsx_file(tmp_path, rows)


XLSX_CASES = [
    ("formula without a cached value (amount)", "contributions",
     [["partner_code", "cooperation_type", "month", "ad_sales"], ["PA", "sales_channel", "2026-10", "=B1*2"]],
     "row 2: ad_sales: 公式 =B1*2 没有计算结果（文件未在 Excel 中计算并保存过）"),
    ("formula without a cached value (boolean)", "complaints",
     [XLSX_COMPLAINTS, XLSX_OK, ["T2", "PA", "sales_channel", "2026-10-01", "=TRUE()"]],
     "row 3: handled_late: 公式 =TRUE() 没有计算结果"),
    ("formula without a cached value (required date)", "complaints",
     [XLSX_COMPLAINTS, ["T2", "PA", "sales_channel", "=TODAY()", False]],
     "row 2: received_on: 公式 =TODAY() 没有计算结果"),
    ("Excel error value as a ticket id", "complaints",
     [XLSX_COMPLAINTS, XLSX_OK, ["#N/A", "PA", "sales_channel", "2026-10-01", False]],
     "row 3: ticket_id: 单元格是 Excel 错误值 #N/A"),
    ("datetime with a time in a date column", "complaints",
     [XLSX_COMPLAINTS, XLSX_OK, ["T2", "PA", "sales_channel", dt.datetime(2026, 10, 1, 13, 45), False]],
     "row 3: received_on: Excel 单元格 2026-10-01 13:45 带有时间部分；received_on 只接受日期"),
    ("datetime with a time in a month column", "revenue",
     [["partner_code", "cooperation_type", "month", "phone_bill", "third_party", "cash"],
      ["PA", "sales_channel", dt.datetime(2026, 10, 1, 8, 30), 1, 0, 0]],
     "row 2: month: Excel 单元格 2026-10-01 08:30 带有时间部分"),
    ("ticket id as a number beyond 15 digits", "complaints",
     [XLSX_COMPLAINTS, XLSX_OK, [12345678901234567890.0, "PA", "sales_channel", "2026-10-01", False]],
     "row 3: ticket_id: 数字 1.23456789012346e+19 超过 15 位有效数字"),
    ("ticket id typed as scientific text", "complaints",
     [XLSX_COMPLAINTS, XLSX_OK, ["9.87654E+11", "PA", "sales_channel", "2026-10-01", False]],
     "row 3: ticket_id: '9.87654E+11' 是 Excel 显示的科学计数法"),
    ("full-width digits as xlsx text", "revenue",
     [["partner_code", "cooperation_type", "month", "phone_bill", "third_party", "cash"],
      ["PA", "sales_channel", "2026-10", "１００", 0, 0]], "row 2: phone_bill: '１００' 不是数字：含全角字符"),
]


@pytest.mark.parametrize(("kind", "rows", "expected"), [case[1:] for case in XLSX_CASES],
                         ids=[c[0] for c in XLSX_CASES])
def test_bad_xlsx_cells_are_reported_and_nothing_is_written(tmp_path, partner_a, kind, rows, expected):
    ContractFactory(partner=partner_a)
    before = snapshot()
    result = run(kind, _formula_book(tmp_path, rows))
    assert not result.ok
    assert any(message.startswith(expected) for message in messages(result)), messages(result)
    assert snapshot() == before
    run_record = ImportRun.objects.get(pk=result.run_id)
    assert run_record.status == ImportStatus.REJECTED and expected in run_record.errors
    assert (run_record.created, run_record.updated, run_record.unchanged) == (0, 0, 0)


def test_xlsx_rows_ending_early_are_blank_cells_not_an_error(tmp_path, partner_a):
    # Excel stores a row only up to its last filled cell: trailing blanks are not a cut-short record.
    result = run("complaints", xlsx_file(tmp_path, [XLSX_COMPLAINTS, ["T1", "PA", "sales_channel", "2026-10-01"]]))
    assert result.ok and result.created == 1, messages(result)


def test_a_second_sheet_with_data_is_a_warning_not_an_error(tmp_path, partner_a):
    book = Workbook()
    first = book.active
    first.title = "工单"
    for row in [XLSX_COMPLAINTS, XLSX_OK]:
        first.append(row)
    book.create_sheet("空白")
    book.create_sheet("十一月").append(["T9", "PA", "sales_channel", "2026-11-01", False])
    path = tmp_path / "two-sheets.xlsx"
    book.save(path)
    result = run("complaints", path)
    assert result.ok and result.created == 1
    assert [str(warning) for warning in result.warnings] == [
        "row 1: file: 工作表“十一月”有数据，已忽略（只导入第一个工作表“工单”）"
    ]
    assert "工作表“十一月”有数据" in ImportRun.objects.get(pk=result.run_id).warnings


def test_text_the_database_cannot_store_is_refused_before_writing(partner_a):
    """Lone surrogates cannot come out of a UTF-8 CSV; any other reader must still not hand them on."""
    from partners.imports.columns import ImportContext
    from partners.imports.result import ImportResult
    from partners.imports.specs import spec_for
    from partners.imports.validation import plan_for, validated_rows

    spec = spec_for("partners")
    result = ImportResult(kind="partners", file_name="x")
    plan = plan_for(spec, ["code", "name", "partner_class"], result)
    rows = [[2, "P1", "甲\ud800乙", "core"], [3, "P2", "乙", "core"]]
    valid = list(validated_rows(iter(rows), plan=plan, ctx=ImportContext(), result=result))
    assert [row[0] for row in valid] == [3]
    assert messages(result) == ["row 2: name: 含有无法保存的字符 U+D800（第 2 个字符，不是有效的 Unicode 字符）"]


def test_a_database_refusal_is_a_message_and_the_record_claims_nothing(tmp_path, partner_a, monkeypatch):
    from django.db import DataError

    from partners.imports import writers

    def consume_then_fail(self, rows):
        for _row in rows:
            self.result.created += 1
        raise DataError("invalid byte sequence for encoding \"UTF8\": 0x00")

    monkeypatch.setattr(writers.BulkWriter, "consume", consume_then_fail)
    before = snapshot()
    result = run("revenue", csv_file(tmp_path, REVENUE + OK_REVENUE))
    assert messages(result) == [
        'row 1: file: 数据库拒绝写入，未写入任何数据（invalid byte sequence for encoding "UTF8": 0x00）'
    ]
    assert snapshot() == before
    record = ImportRun.objects.get(pk=result.run_id)
    assert record.status == ImportStatus.REJECTED and (record.created, record.updated) == (0, 0)


def test_an_unexpected_failure_is_recorded_without_claiming_rows(tmp_path, partner_a, monkeypatch):
    from partners.imports import writers

    def consume_then_crash(self, rows):
        for _row in rows:
            self.result.created += 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(writers.BulkWriter, "consume", consume_then_crash)
    with pytest.raises(RuntimeError):
        run("revenue", csv_file(tmp_path, REVENUE + OK_REVENUE))
    record = ImportRun.objects.get()
    assert record.status == ImportStatus.FAILED and (record.created, record.updated, record.unchanged) == (0, 0, 0)
    assert "RuntimeError: disk full" in record.errors
