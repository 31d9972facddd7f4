"""A large complaint file (200,000 rows): streamed, validated in one pass, written set-based, re-run unchanged."""

import datetime as dt
import time

import pytest
from django.conf import settings

from partners.models import ComplaintTicket
from tests.factories import PartnerFactory

from .import_support import messages, run

pytestmark = pytest.mark.django_db

ROWS = 200_000
# PostgreSQL takes the COPY path (a few seconds); SQLite's bulk_create fallback takes over 10 s.
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def write_complaints(path, rows, codes, bad_every=None):
    start = dt.date(2026, 1, 1)
    days = [(start + dt.timedelta(days=n)).isoformat() for n in range(300)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("ticket_id,partner_code,cooperation_type,received_on,province,category,handled_late,quality_failed\n")
        for n in range(rows):
            code = "NOPE" if bad_every and n % bad_every == bad_every - 1 else codes[n % len(codes)]
            kind = "joint_membership" if n % 3 else "sales_channel"
            out.write(f"T{n:09d},{code},{kind},{days[n % 300]},北京,other,{n % 2},false\n")


@(pytest.mark.slow if ON_SQLITE else pytest.mark.django_db)
def test_200k_complaints_import_and_reimport(tmp_path):
    codes = [PartnerFactory(code=f"H{n:03d}").code for n in range(50)]
    path = tmp_path / "complaints.csv"
    write_complaints(path, ROWS, codes)

    started = time.perf_counter()
    result = run("complaints", path)
    first = time.perf_counter() - started
    assert result.ok, messages(result)[:3]
    assert (result.rows, result.created, result.updated, result.unchanged) == (ROWS, ROWS, 0, 0)
    assert ComplaintTicket.objects.count() == ROWS
    last = ComplaintTicket.objects.get(ticket_id=f"T{ROWS - 1:09d}")
    assert (last.partner.code, last.handled_late) == (codes[(ROWS - 1) % 50], True)

    again = run("complaints", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS)
    assert first < 120  # generous: guards against a per-row query creeping in, not a benchmark


def test_200k_rows_with_bad_rows_write_nothing_and_report_each(tmp_path):
    codes = [PartnerFactory(code=f"H{n:03d}").code for n in range(50)]
    path = tmp_path / "complaints.csv"
    write_complaints(path, ROWS, codes, bad_every=50_000)
    result = run("complaints", path)
    assert result.error_count == 4
    assert messages(result)[0] == "row 50001: partner_code: 合作方 'NOPE' 不存在（请先导入 partners）"
    assert not ComplaintTicket.objects.exists()
