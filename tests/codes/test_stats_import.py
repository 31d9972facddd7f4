"""Monthly code statistics import: validated, all-or-nothing, idempotent upsert on code + month."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from codes.choices import CodeKind
from codes.models import CodeMonthlyStat
from codes.services import ImportRowsError, code_stats_import

from .factories import BusinessCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(db):
    return BusinessCodeFactory(code="M1"), BusinessCodeFactory(code="U1", kind=CodeKind.PER_USE)


def write(tmp_path, text, bom=False):
    path = tmp_path / "stats.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def test_import_then_reimport_changes_nothing(codes, tmp_path):
    path = write(tmp_path, "code,month,users,orders\nM1,2026-09,12000,\nU1,2026-09,,3400\n", bom=True)
    call_command("import_code_stats", path, verbosity=0)
    assert set(CodeMonthlyStat.objects.values_list("code__code", "month", "users", "orders")) == {
        ("M1", dt.date(2026, 9, 1), 12000, 0), ("U1", dt.date(2026, 9, 1), 0, 3400)}
    result = code_stats_import(rows=[{"code": "M1", "month": "2026-09", "users": "12000", "orders": ""},
                                     {"code": "U1", "month": "2026-09", "users": "", "orders": "3500"}])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert CodeMonthlyStat.objects.get(code__code="U1").orders == 3500
    assert CodeMonthlyStat.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"code": "X9", "month": "2026-09", "users": "1", "orders": ""}, "row 2: code: 业务代码 'X9' 不存在"),
        ({"code": "M1", "month": "2026-13", "users": "1", "orders": ""}, "row 2: month:"),
        ({"code": "M1", "month": "2026/09", "users": "1", "orders": ""}, "row 2: month:"),
        ({"code": "M1", "month": "2026-09", "users": "-5", "orders": ""}, "row 2: users: '-5' 不是非负整数"),
        ({"code": "M1", "month": "2026-09", "users": "", "orders": "4"}, "row 2: users: 必填（包月代码）"),
        ({"code": "U1", "month": "2026-09", "users": "", "orders": "1.5"}, "row 2: orders: '1.5' 不是非负整数"),
        ({"code": "U1", "month": "2026-09", "users": "3", "orders": ""}, "row 2: orders: 必填（按次代码）"),
        ({"code": "", "month": "2026-09", "users": "3", "orders": ""}, "row 2: code: 必填"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(row, error, codes):
    good = {"code": "M1", "month": "2026-08", "users": "10", "orders": ""}
    with pytest.raises(ImportRowsError) as exc:
        code_stats_import(rows=[row, good])
    assert any(message.startswith(error) for message in exc.value.messages), exc.value.messages
    assert not CodeMonthlyStat.objects.exists()


def test_duplicate_rows_and_command_exit(codes, tmp_path):
    path = write(tmp_path, "code,month,users,orders\nM1,2026-09,1,\nM1,2026-09,2,\nU1,2026-09,,x\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_code_stats", path, verbosity=0)
    assert "row 3: code: 与 row 2 重复" in str(exc.value) and "row 4: orders:" in str(exc.value)
    assert not CodeMonthlyStat.objects.exists()


def test_missing_column_and_dry_run(codes, tmp_path):
    with pytest.raises(CommandError, match="row 1: orders: missing column"):
        call_command("import_code_stats", write(tmp_path, "code,month,users\nM1,2026-09,1\n"), verbosity=0)
    call_command("import_code_stats", write(tmp_path, "code,month,users,orders\nM1,2026-09,1,\n"), "--dry-run",
                 verbosity=0)
    assert not CodeMonthlyStat.objects.exists()
