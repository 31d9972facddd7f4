"""Monthly code statistics through ``import_data code_stats``: validated, all-or-nothing, idempotent on code + month."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from codes.choices import CodeKind
from codes.models import CodeMonthlyStat
from partners.imports.services import data_file_import

from .factories import BusinessCodeFactory

pytestmark = pytest.mark.django_db
HEADER = "code,month,users,orders\n"


@pytest.fixture
def codes(db):
    return BusinessCodeFactory(code="M1"), BusinessCodeFactory(code="U1", kind=CodeKind.PER_USE)


def write(tmp_path, text, bom=False):
    path = tmp_path / "stats.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_import_then_reimport_changes_nothing(codes, tmp_path):
    path = write(tmp_path, HEADER + "M1,2026-09,12000,\nU1,2026-09,,3400\n", bom=True)
    call_command("import_data", "code_stats", str(path), verbosity=0)
    assert set(CodeMonthlyStat.objects.values_list("code__code", "month", "users", "orders")) == {
        ("M1", dt.date(2026, 9, 1), 12000, 0), ("U1", dt.date(2026, 9, 1), 0, 3400)}
    again = data_file_import(kind="code_stats", file=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed_file = write(tmp_path, HEADER + "M1,2026-09,12000,\nU1,2026-09,,3500\n")
    changed = data_file_import(kind="code_stats", file=changed_file)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert CodeMonthlyStat.objects.get(code__code="U1").orders == 3500
    assert CodeMonthlyStat.objects.count() == 2


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("X9,2026-09,1,", "row 2: code: 业务代码 'X9' 不存在"),
        ("M1,2026-13,1,", "row 2: month:"),
        ("M1,2026/09,1,", "row 2: month:"),
        ("M1,2026-09,-5,", "row 2: users:"),
        ("M1,2026-09,,4", "row 2: users: 包月代码须填写用户数"),
        ("U1,2026-09,,1.5", "row 2: orders:"),
        ("U1,2026-09,3,", "row 2: orders: 按次代码须填写订购次数"),
        (",2026-09,3,", "row 2: code:"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(line, error, codes, tmp_path):
    result = data_file_import(kind="code_stats", file=write(tmp_path, HEADER + line + "\nM1,2026-08,10,\n"))
    messages = [str(e) for e in result.errors]
    assert any(message.startswith(error) for message in messages), messages
    assert not CodeMonthlyStat.objects.exists()


def test_duplicate_rows_and_command_exit(codes, tmp_path):
    path = write(tmp_path, HEADER + "M1,2026-09,1,\nM1,2026-09,2,\nU1,2026-09,,x\n")
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_data", "code_stats", str(path), verbosity=0)
    result = data_file_import(kind="code_stats", file=path)
    messages = " ".join(str(e) for e in result.errors)
    assert "row 3:" in messages and "row 4: orders:" in messages
    assert not CodeMonthlyStat.objects.exists()


def test_missing_column_and_dry_run(codes, tmp_path):
    result = data_file_import(kind="code_stats", file=write(tmp_path, "code,users\nM1,1\n"))
    assert any(str(e).startswith("row 1: month:") for e in result.errors)
    data_file_import(kind="code_stats", file=write(tmp_path, HEADER + "M1,2026-09,1,\n"), dry_run=True)
    assert not CodeMonthlyStat.objects.exists()
