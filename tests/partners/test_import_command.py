"""``python manage.py import_data KIND FILE [--dry-run]``: output, exit codes, dry runs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from partners.management.commands.import_data import Command
from partners.models import ComplaintTicket, ImportRun

from .import_support import csv_file, snapshot

pytestmark = pytest.mark.django_db

GOOD = (
    "ticket_id,partner_code,cooperation_type,received_on,note\n"
    "T1,PA,sales_channel,2026-10-01,x\nT2,PA,sales_channel,2026-10-02,\n"
)
BAD = "ticket_id,partner_code,cooperation_type,received_on\nT1,PA,sales_channel,2026-10-01\nT2,NOPE,tv,2026-10-02\n"


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_counts_and_warnings(tmp_path, partner_a):
    path = csv_file(tmp_path, GOOD)
    out, _ = call("complaints", str(path))
    assert "提示 row 1: note: 未知列，已忽略" in out
    assert "complaints data.csv: 2 行：新增 2，更新 0，未变化 0" in out
    out, _ = call("complaints", str(path))
    assert "2 行：新增 0，更新 0，未变化 2" in out
    assert ComplaintTicket.objects.count() == 2


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path, partner_a):
    before = snapshot()
    out, _ = call("complaints", str(csv_file(tmp_path, GOOD)), "--dry-run")
    assert "2 行：将新增 2，将更新 0，未变化 0（仅校验，未写入）" in out
    assert snapshot() == before


def test_bad_rows_are_listed_on_stderr_and_the_command_fails(tmp_path, partner_a):
    err = StringIO()
    with pytest.raises(CommandError, match=r"导入被拒绝：2 个错误，未写入任何数据（导入记录 #\d+）") as excinfo:
        call_command("import_data", "complaints", str(csv_file(tmp_path, BAD)), stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "row 3: partner_code: 合作方 'NOPE' 不存在（请先导入 partners）",
        "row 3: cooperation_type: 'tv' 不是有效值，可选：sales_channel | joint_membership",
    ]
    assert not ComplaintTicket.objects.exists()


def test_exit_status_is_non_zero_from_the_command_line(tmp_path, partner_a, monkeypatch):
    # run_from_argv closes the connections when done; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    argv = ["manage.py", "import_data", "complaints", str(csv_file(tmp_path, BAD))]
    command = Command(stdout=StringIO(), stderr=StringIO())
    with pytest.raises(SystemExit) as excinfo:
        command.run_from_argv(argv)
    assert excinfo.value.code == 1
    assert ImportRun.objects.get().status == "rejected"


def test_missing_file_and_unknown_kind(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call("complaints", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="invalid choice"):
        call("people", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("ticket_id,partner_code,cooperation_type,received_on\nT\x001,PA,sales_channel,2026-10-01\n",
         "row 2: ticket_id: 含有 NUL 字符"),
        ('ticket_id,partner_code,cooperation_type,received_on\nT1,PA,"sales_channel\n' + "x" * 140_000,
         "row 2: file: 有一个字段超过 128 KiB"),
        ("ticket_id,partner_code,cooperation_type,received_on,category\nPRB-T2,PA,sales_channel,2026-12-13\n",
         "row 2: category: 该行只有 4 个值"),
    ],
    ids=["NUL byte", "field over 128 KiB", "cut-short row"],
)
def test_malformed_files_exit_non_zero_with_the_row_message(tmp_path, partner_a, content, expected):
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_data", "complaints", str(csv_file(tmp_path, content)), stdout=StringIO(), stderr=err)
    assert refused.value.returncode == 1 and "未写入任何数据" in str(refused.value)
    assert expected in err.getvalue()
    assert snapshot() == before
