"""PostgreSQL complaint import, SQL path: the database reads and checks a plain CSV itself (docs/imports.md).

What users rely on: the same tickets stored, the same counts, the same ``row N: column: reason`` errors and
nothing written, whichever path read the file; a re-import writes nothing at all.
"""

import pytest
from django.conf import settings
from django.db import connection

from partners.imports.writers import ComplaintsCopyWriter
from partners.models import ComplaintTicket

from .import_support import csv_file, messages, run, snapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="the SQL path is PostgreSQL's"
    ),
]

FULL = "ticket_id,partner_code,cooperation_type,received_on,province,category,handled_late,quality_failed,upgraded_on\n"
SHORT = "ticket_id,partner_code,cooperation_type,received_on,handled_late\n"


@pytest.fixture
def paths(monkeypatch):
    """Which path read each import: True = the SQL path, False = the row loop."""
    taken = []
    original = ComplaintsCopyWriter.consume_csv

    def spy(self, table, ctx):
        done = original(self, table, ctx)
        taken.append(done)
        return done

    monkeypatch.setattr(ComplaintsCopyWriter, "consume_csv", spy)
    return taken


def _row_loop_only(monkeypatch):
    monkeypatch.setattr(ComplaintsCopyWriter, "consume_csv", lambda self, table, ctx: False)


def _stored():
    return sorted(ComplaintTicket.objects.values_list(
        "ticket_id", "partner__code", "cooperation_type", "received_on", "province", "category", "handled_late",
        "quality_failed", "upgraded_on",
    ))


def _counts(result):
    return result.ok, result.rows, result.created, result.updated, result.unchanged


# Files in the plain form, with the spellings users type: labels, padding, Chinese booleans, blank optional
# cells, lines of empty cells, CRLF line ends, a BOM, an unknown column.
PLAIN = [
    ("codes", FULL + "T1,PA,sales_channel,2026-03-01,广东,other,true,0,2026-03-20\n"
     "T2,PB,joint_membership,2026-03-02,,unknowing_subscription,false,1,\n"),
    ("labels and padding", FULL + "T1, PA ,数字产品销售渠道, 2026-03-01 , 广东 ,其他,是,否,\n"
     "T2,PB,SALES_CHANNEL,2026-03-02,北京,Other,YES,n, 2026-04-01\n"),
    ("partial label", FULL + "T1,PA,销售渠道,2026-03-01,,,,,\n"),
    ("blank optional cells", FULL + "T1,PA,sales_channel,2026-03-01,,,,,\nT2,PA,sales_channel,2026-03-02,,,,,\n"),
    ("crlf and bom", "\ufeff" + FULL.replace("\n", "\r\n") + "T1,PA,sales_channel,2026-03-01,,,,,\r\n"),
    ("a plus sign and inner spaces in ticket ids", FULL + "T+1,PA,sales_channel,2026-03-01,,,,,\n"
     "T 2 b,PB,sales_channel,2026-03-02,,,,,\n1E+9X,PA,sales_channel,2026-03-03,,,,,\n"),
    ("unknown column, fewer columns", "ticket_id,note,partner_code,cooperation_type,received_on\n"
     "T1,随便写,PA,sales_channel,2026-03-01\nT-2/a b,,PB,joint_membership,2026-03-31\n"),
]


@pytest.mark.parametrize("content", [case[1] for case in PLAIN], ids=[case[0] for case in PLAIN])
def test_a_plain_file_is_read_by_postgresql_and_stores_what_the_row_loop_stores(
    tmp_path, partner_a, partner_b, paths, monkeypatch, content
):
    path = csv_file(tmp_path, content)
    result = run("complaints", path)
    assert paths == [True]
    stored = _stored()
    counts = _counts(result)
    assert result.ok and result.created == len(stored) > 0
    ComplaintTicket.objects.all().delete()

    _row_loop_only(monkeypatch)
    python = run("complaints", path)
    assert _counts(python) == counts
    assert _stored() == stored


def test_values_of_a_plain_file_are_stored_converted(tmp_path, partner_a, partner_b, paths):
    run("complaints", csv_file(tmp_path, PLAIN[1][1]))
    assert paths == [True]
    first = ComplaintTicket.objects.get(ticket_id="T1")
    assert (first.partner, first.cooperation_type, str(first.received_on), first.province, first.category,
            first.handled_late, first.quality_failed, first.upgraded_on) == (
        partner_a, "sales_channel", "2026-03-01", "广东", "other", True, False, None)
    second = ComplaintTicket.objects.get(ticket_id="T2")
    assert (second.partner, second.category, second.handled_late, str(second.upgraded_on)) == (
        partner_b, "other", True, "2026-04-01")


OK = "T1,PA,sales_channel,2026-10-01,false\n"

# Bad files: the errors must be the row loop's own, in the same order, with nothing written.
BAD = [
    ("unknown partner", SHORT + OK + "T2,NOPE,sales_channel,2026-10-01,false\n"),
    ("impossible date", SHORT + OK + "T2,PA,sales_channel,2026-02-30,false\n"),
    ("full-width date", SHORT + OK + "T2,PA,sales_channel,２０２６-10-01,false\n"),
    ("bad boolean", SHORT + OK + "T2,PA,sales_channel,2026-10-01,maybe\n"),
    ("unknown type", SHORT + OK + "T2,PA,cable_tv,2026-10-01,false\n"),
    ("blank required cell", SHORT + OK + "T2,PA,,2026-10-01,false\n"),
    ("duplicate ticket", SHORT + OK + "T2,PA,sales_channel,2026-10-01,false\nT1,PA,sales_channel,2026-10-02,true\n"),
    ("duplicate after an empty line of cells", SHORT + OK + ",,,,\nT1,PA,sales_channel,2026-10-02,true\n"),
    ("scientific ticket id", SHORT + OK + "9.87654E+11,PA,sales_channel,2026-10-01,false\n"),
    ("ticket id too long", SHORT + OK + "T" * 65 + ",PA,sales_channel,2026-10-01,false\n"),
    ("blank ticket id", SHORT + OK + ",PA,sales_channel,2026-10-01,false\n"),
    ("short row", SHORT + OK + "T2,PA,sales_channel,2026-10-01\n"),
    ("long row", SHORT + OK + "T2,PA,sales_channel,2026-10-01,false,x\n"),
    ("blank line between rows", SHORT + OK + "\nT2,PA,sales_channel,2026-10-01,nope\n"),
    ("quoted field", SHORT + OK + '"T2",PA,sales_channel,2026-10-01,nope\n'),
    ("quote inside a field", SHORT + OK + 'T"2"3,PA,sales_channel,2026-10-01,false\nT4,PA,x,2026-10-01,false\n'),
    ("multi-line quoted field", SHORT + '"T\n1",PA,sales_channel,2026-10-01,false\nT2,NOPE,sales_channel,'
     "2026-10-01,false\n"),
    ("NUL byte", SHORT + OK + "T\x002,PA,sales_channel,2026-10-01,false\n"),
    ("ticket id with a trailing space", SHORT + OK + "T2 ,PA,sales_channel,2026-10-01,false\n"
     "T3,PA,sales_channel,2026-10-01,nope\n"),
    ("only a header", SHORT),
    ("lines of empty cells", SHORT + OK + ",,,,\n  ,,,,\nT2,PA,sales_channel,2026-10-01,maybe\n"),
]


@pytest.mark.parametrize("content", [case[1] for case in BAD], ids=[case[0] for case in BAD])
def test_a_bad_file_gets_the_row_loops_errors_and_nothing_is_written(tmp_path, partner_a, monkeypatch, content):
    path = csv_file(tmp_path, content)
    before = snapshot()
    result = run("complaints", path)
    assert not result.ok and result.error_count > 0
    assert snapshot() == before

    _row_loop_only(monkeypatch)
    python = run("complaints", path)
    assert messages(result) == messages(python)
    assert (result.error_count, result.rows) == (python.error_count, python.rows)


def test_duplicates_are_reported_by_the_sql_path_with_the_files_line_numbers(tmp_path, partner_a, paths):
    content = SHORT + OK + "T2,PA,sales_channel,2026-10-01,false\nT1,PA,sales_channel,2026-10-02,true\n"
    result = run("complaints", csv_file(tmp_path, content))
    assert paths == [True]
    assert messages(result) == ["row 4: ticket_id: 与第 2 行的 ticket_id 相同（文件内重复）"]
    assert not ComplaintTicket.objects.exists()


def test_a_gbk_file_far_from_its_header_gets_the_encoding_message(tmp_path, partner_a, paths):
    # the first 100,000 bytes are UTF-8 (they pass the header reading), then a GBK line: COPY refuses it
    ok = "".join(f"T{n},PA,sales_channel,2026-10-01,false\n" for n in range(3000))
    path = csv_file(tmp_path, (SHORT + ok).encode() + "T9,PA,销售渠道,2026-10-01,否\n".encode("gbk"))
    result = run("complaints", path)
    assert paths == [False]
    assert messages(result) == [
        "row 3002: file: 不是 UTF-8 编码（1 行无法按 UTF-8 解码，首个在第 3002 行，看起来是 GBK/GB18030 编码）；"
        "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或用编辑器转换为 UTF-8 后重新导入"
    ]
    assert not ComplaintTicket.objects.exists()


def _versions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_id, xmin::text, ctid::text FROM partners_complaintticket ORDER BY ticket_id")
        return cursor.fetchall()


def test_a_reimport_changes_nothing_and_a_changed_row_is_the_only_one_rewritten(
    tmp_path, partner_a, partner_b, paths
):
    rows = "".join(f"T{n},{'PA' if n % 2 else 'PB'},sales_channel,2026-03-{n % 28 + 1:02d},,,false,0,\n"
                   for n in range(50))
    path = csv_file(tmp_path, FULL + rows)
    assert _counts(run("complaints", path)) == (True, 50, 50, 0, 0)
    stored, versions = _stored(), _versions()

    again = run("complaints", path)
    assert _counts(again) == (True, 50, 0, 0, 50)
    assert _stored() == stored
    assert _versions() == versions  # not one row rewritten (same row version, same place)

    changed = csv_file(tmp_path, FULL + rows.replace("T7,PA,sales_channel,2026-03-08,,,false", "T7,PA,sales_channel,"
                                                     "2026-03-08,,,true"), name="changed.csv")
    assert _counts(run("complaints", changed)) == (True, 50, 0, 1, 49)
    after = dict((ticket, version) for ticket, *version in _versions())
    before = dict((ticket, version) for ticket, *version in versions)
    assert [ticket for ticket in before if before[ticket] != after[ticket]] == ["T7"]
    assert ComplaintTicket.objects.get(ticket_id="T7").handled_late is True
    assert paths == [True, True, True]


def test_a_dry_run_counts_and_writes_nothing(tmp_path, partner_a, paths):
    run("complaints", csv_file(tmp_path, SHORT + OK))
    before = snapshot()
    result = run("complaints", csv_file(tmp_path, SHORT + OK + "T2,PA,sales_channel,2026-10-02,true\n",
                                        name="more.csv"), dry_run=True)
    assert _counts(result) == (True, 2, 1, 0, 1)
    assert snapshot() == before
    assert paths == [True, True]


def test_lines_of_empty_cells_are_skipped_as_the_row_loop_does(tmp_path, partner_a, paths):
    result = run("complaints", csv_file(tmp_path, SHORT + OK + ",,,,\n , ,,,\nT2,PA,sales_channel,2026-10-01,1\n"))
    assert paths == [False]  # no ticket id on those lines: not the plain form
    assert _counts(result) == (True, 2, 2, 0, 0)


@pytest.mark.parametrize(("field", "raws", "values", "expected"), [
    ("received_on", ["2026-03-01", "2026-12-31"], ["2026-03-01", "2026-12-31"], "r.c3::date"),
    ("upgraded_on", ["", "2026-03-20"], [None, "2026-03-20"], "r.c3::date"),
    # a spelling PostgreSQL would read by its DateStyle, or padded: the parser's values through a mapping table
    ("received_on", ["2026-03-01", "2026-3-2"], ["2026-03-01", "2026-03-02"], None),
    ("received_on", ["2026-03-01", " 2026-03-02"], ["2026-03-01", "2026-03-02"], None),
    ("handled_late", ["true", "0", "f"], [True, False, False], "r.c3::boolean"),
    ("handled_late", ["true", "是"], [True, True], None),
    ("handled_late", ["", "true"], [False, True], None),
    ("province", ["", "广东"], ["", "广东"], "coalesce(r.c3, '')"),
    ("cooperation_type", ["sales_channel", "销售渠道"], ["sales_channel", "sales_channel"], None),
])
def test_a_column_is_cast_only_where_the_cast_gives_the_parsers_values(field, raws, values, expected):
    import datetime as dt

    from partners.imports.writers import _cast_giving

    model_field = ComplaintTicket._meta.get_field(field)
    typed = [dt.date.fromisoformat(value) if isinstance(value, str) and field.endswith("_on") else value
             for value in values]
    assert _cast_giving(model_field, raws, typed, "r.c3") == expected


def _indexes():
    """{name: (oid, definition)} of the complaint table's indexes, the constraints' included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text, indexrelid::int, pg_get_indexdef(indexrelid) FROM pg_index "
                       "WHERE indrelid = 'partners_complaintticket'::regclass")
        return {name: (oid, definition) for name, oid, definition in cursor.fetchall()}


def _constraints():
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = 'partners_complaintticket'::regclass ORDER BY conname")
        return cursor.fetchall()


def _tickets(first: int, count: int) -> str:
    return "".join(f"T{n:04d},{'PA' if n % 2 else 'PB'},sales_channel,2026-03-{n % 28 + 1:02d},,,false,0,\n"
                   for n in range(first, first + count))


@pytest.fixture
def bulk_load_from_ten_rows(monkeypatch):
    monkeypatch.setattr("partners.imports.writers.BULK_LOAD_MIN_ROWS", 10)


def test_a_load_that_doubles_the_table_rebuilds_its_indexes_as_they_were(
    tmp_path, partner_a, partner_b, paths, bulk_load_from_ten_rows
):
    indexes, constraints = _indexes(), _constraints()
    assert _counts(run("complaints", csv_file(tmp_path, FULL + _tickets(0, 40)))) == (True, 40, 40, 0, 0)
    after = _indexes()
    # every index is back under its name with its definition; the secondary ones are new builds
    assert {name: definition for name, (_oid, definition) in after.items()} == {
        name: definition for name, (_oid, definition) in indexes.items()}
    assert _constraints() == constraints
    rebuilt = {name for name in after if after[name][0] != indexes[name][0]}
    assert rebuilt == set(indexes) - {"partners_complaintticket_pkey"}
    assert ComplaintTicket.objects.filter(ticket_id="T0007", partner=partner_a).exists()

    # 30 new rows beside 40 stored: the indexes are kept up to date, not rebuilt
    before = _indexes()
    assert _counts(run("complaints", csv_file(tmp_path, FULL + _tickets(40, 30), name="more.csv")))[2] == 30
    assert _indexes() == before
    assert ComplaintTicket.objects.count() == 70 and paths == [True, True]


def test_a_bulk_load_that_fails_leaves_the_indexes_and_the_table_as_they_were(
    tmp_path, partner_a, partner_b, paths, bulk_load_from_ten_rows, monkeypatch
):
    indexes = _indexes()

    original = ComplaintsCopyWriter._drop_secondary_indexes_for_a_bulk_load

    def failing_rebuild(self, cursor, created):
        statements = original(self, cursor, created)
        assert statements  # the indexes are dropped at this point
        return ["SELECT 1/0"]

    monkeypatch.setattr(ComplaintsCopyWriter, "_drop_secondary_indexes_for_a_bulk_load", failing_rebuild)
    with pytest.raises(Exception):  # noqa: B017 - the database's division by zero, whatever its wrapper
        run("complaints", csv_file(tmp_path, FULL + _tickets(0, 40)))
    assert _indexes() == indexes
    assert not ComplaintTicket.objects.exists()


# Files outside the plain form that the row loop accepts: they take the row loop (the SQL path's checks send them
# there) and are stored exactly as it stores them.
NOT_PLAIN = [
    ("tab in a ticket id", SHORT + OK + "T\t2,PA,sales_channel,2026-10-01,false\n"),
    ("control character in a ticket id", SHORT + OK + "T\x1b2,PA,sales_channel,2026-10-01,false\n"),
    ("DEL in a ticket id", SHORT + OK + "T\x7f2,PA,sales_channel,2026-10-01,false\n"),
    ("non-ASCII ticket id", SHORT + OK + "T二,PA,sales_channel,2026-10-01,false\n"),
    ("signed scientific ticket id", SHORT + OK + "-1.5e+9,PA,sales_channel,2026-10-01,false\n"),
    ("tab in an optional column", FULL + "T1,PA,sales_channel,2026-03-01,广\t东,,,,\n"),
]


@pytest.mark.parametrize("content", [case[1] for case in NOT_PLAIN], ids=[case[0] for case in NOT_PLAIN])
def test_a_file_outside_the_plain_form_takes_the_row_loop_and_stores_what_it_stores(
    tmp_path, partner_a, paths, monkeypatch, content
):
    path = csv_file(tmp_path, content)
    result = run("complaints", path)
    assert paths == [False]
    stored, counts = _stored(), _counts(result)
    ComplaintTicket.objects.all().delete()
    _row_loop_only(monkeypatch)
    assert _counts(run("complaints", path)) == counts
    assert _stored() == stored


def test_a_bulk_load_keeps_an_index_another_tables_foreign_key_depends_on(
    tmp_path, partner_a, partner_b, paths, bulk_load_from_ten_rows
):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_ticket_note (ticket_id varchar(64) REFERENCES partners_complaintticket "
                       "(ticket_id) DEFERRABLE INITIALLY DEFERRED)")
    indexes = _indexes()
    assert _counts(run("complaints", csv_file(tmp_path, FULL + _tickets(0, 40))))[2] == 40
    after = _indexes()
    assert after["partners_complaintticket_unique_ticket_id"] == indexes["partners_complaintticket_unique_ticket_id"]
    assert after["partners_cpl_day_idx"][0] != indexes["partners_cpl_day_idx"][0]  # the others were rebuilt
