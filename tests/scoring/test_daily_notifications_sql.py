"""R-D-NOTIFY on PostgreSQL: the set-based statement writes exactly the rows the row-by-row path writes.

The daily job counts, evaluates and upserts a day's notifications in one SQL statement on PostgreSQL
(``daily_notifications_write_sql``) and row by row in Python elsewhere (``daily_notifications_write_python``,
the path SQLite runs). These tests run both on the same tickets and compare every stored field, the breakdown
included, and the counts they report. They need PostgreSQL (CI runs the suite on it).
"""

import datetime as dt

import pytest
from django.db import connection

from scoring.models import DailyNotification
from scoring.selectors import rule_book_in_force
from scoring.services import daily_notifications_write_python, daily_notifications_write_sql
from tests.factories import PartnerFactory
from tests.scoring.factories import JOINT, SALES, make_tickets

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 12)
FIELDS = ("partner_id", "cooperation_type", "date", "complaint_count", "notifications", "rule_set_id", "items")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the set-based notification statement is the PostgreSQL path (SQLite runs the Python path)")


def stored(day=DAY, *, with_id=False):
    fields = ("id", *FIELDS) if with_id else FIELDS
    return {
        (row["partner_id"], row["cooperation_type"]): row
        for row in DailyNotification.objects.filter(date=day).values(*fields)
    }


def both_paths(day=DAY):
    """Run the Python path, keep its rows, undo them, run the SQL path; return both rows and counts."""
    rule_set, book = rule_book_in_force(on=day)
    before = stored(day, with_id=True)
    python_counts = daily_notifications_write_python(day=day, rule_set=rule_set, book=book)
    python_rows = stored(day)
    # back to the state before, keeping the original ids of the rows that existed
    DailyNotification.objects.filter(date=day).delete()
    DailyNotification.objects.bulk_create(DailyNotification(**values) for values in before.values())
    sql_counts = daily_notifications_write_sql(day=day, rule_set=rule_set, book=book)
    return python_rows, stored(day), python_counts, sql_counts


@pytest.mark.parametrize(
    ("tickets", "notifications"),
    [(24, 0), (25, 1), (34, 1), (35, 2), (44, 2), (45, 3), (95, 8)],
)
def test_r_d_notify_sql_path_brackets_match_the_python_path(tickets, notifications):
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, tickets)
    python_rows, sql_rows, python_counts, sql_counts = both_paths()
    assert sql_rows == python_rows
    assert {key: row["notifications"] for key, row in sql_rows.items()} == (
        {(partner.pk, SALES): notifications} if notifications else {}
    )
    assert sql_counts == python_counts


def test_r_d_notify_sql_path_breakdown_is_identical_and_names_the_rule():
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, 57)
    python_rows, sql_rows, _, _ = both_paths()
    items = sql_rows[(partner.pk, SALES)]["items"]
    assert items == python_rows[(partner.pk, SALES)]["items"]
    assert items[0]["rule"] == "R-D-NOTIFY" and items[0]["points"] == 4
    assert "57 件" in items[0]["detail"] and "通报 4 次" in items[0]["detail"]


def test_r_d_notify_sql_path_updates_deletes_and_keeps_unchanged_rows():
    a, b, c = PartnerFactory(code="A"), PartnerFactory(code="B"), PartnerFactory(code="C")
    tickets_a = make_tickets(a, DAY, 35)
    make_tickets(b, DAY, 40, cooperation_type=JOINT)
    tickets_c = make_tickets(c, DAY, 25)
    rule_set, book = rule_book_in_force(on=DAY)
    daily_notifications_write_sql(day=DAY, rule_set=rule_set, book=book)
    ids = {key: DailyNotification.objects.get(partner_id=key[0], cooperation_type=key[1], date=DAY).pk
           for key in stored()}
    tickets_a[0].delete()  # A: 35 → 34, still 1 notification but another count: updated
    tickets_c[0].delete()  # C: 25 → 24, below the threshold: deleted
    make_tickets(PartnerFactory(code="D"), DAY, 26)  # D: new
    python_rows, sql_rows, python_counts, sql_counts = both_paths()
    assert sql_rows == python_rows
    assert sql_counts == python_counts
    assert (sql_counts["created"], sql_counts["updated"], sql_counts["deleted"]) == (1, 1, 1)
    assert sql_counts["keys"] == {(a.pk, SALES), (c.pk, SALES), (python_rows.keys() - ids.keys()).pop()}
    assert DailyNotification.objects.get(partner=a, date=DAY).pk == ids[(a.pk, SALES)]
    assert DailyNotification.objects.get(partner=b, date=DAY).pk == ids[(b.pk, JOINT)]


def test_r_d_notify_sql_path_second_run_writes_nothing():
    make_tickets(PartnerFactory(code="A"), DAY, 45)
    rule_set, book = rule_book_in_force(on=DAY)
    daily_notifications_write_sql(day=DAY, rule_set=rule_set, book=book)
    before = list(DailyNotification.objects.values())
    counts = daily_notifications_write_sql(day=DAY, rule_set=rule_set, book=book)
    assert (counts["created"], counts["updated"], counts["deleted"], counts["keys"]) == (0, 0, 0, set())
    assert (counts["notified"], counts["notifications"]) == (1, 3)
    assert list(DailyNotification.objects.values()) == before  # computed_at untouched too


def test_r_d_notify_sql_path_takes_threshold_and_step_from_the_rule_set(rule_set_v2):
    rule_set_v2(DAY, notify_threshold={"value": 30}, notify_step={"value": 4})
    partner = PartnerFactory(code="N1")
    make_tickets(partner, DAY, 38)  # 30 → 1, 34 → 2, 38 → 3 with the edited set; 2 with the default one
    python_rows, sql_rows, _, _ = both_paths()
    assert sql_rows == python_rows
    row = sql_rows[(partner.pk, SALES)]
    assert row["notifications"] == 3
    assert "≥30 件" in row["items"][0]["detail"] and "每再增 4 件" in row["items"][0]["detail"]
