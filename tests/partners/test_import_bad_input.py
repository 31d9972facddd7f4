"""Bad input (CONTRACT.md §1): every bad row is reported as ``row N: column: reason`` and nothing is written.

N is the file's line number with the header as row 1. Each case has valid rows too, so "nothing written"
proves all-or-nothing rather than an empty file.
"""

import pytest

from partners.choices import ImportStatus
from partners.models import ImportRun
from tests.factories import ContractFactory

from .import_support import csv_file, messages, run, snapshot

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
