"""Pure evaluator helpers, table-driven at every edge, against the default rule set's own numbers."""

import datetime as dt
from decimal import Decimal

import pytest

from core.rulebook import Brackets, add_duration, clamp, money, table_row_for
from scoring.rules import steps_over_threshold
from scoring.selectors import rule_book_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return rule_book_in_force(on=dt.date(2026, 10, 1))[1]


@pytest.mark.parametrize(
    ("revenue_yuan", "points"),
    [
        ("0", 0), ("99999.99", 0), ("100000", 10), ("299999.99", 10), ("300000", 20), ("999999.99", 20),
        ("1000000", 30), ("1999999.99", 30), ("2000000", 40), ("2999999.99", 40), ("3000000", 50), ("9e9", 50),
    ],
)
def test_revenue_brackets_r_m_rev(book, revenue_yuan, points):
    assert book.rule_id("revenue_score_brackets") == "R-M-REV"
    assert book.brackets("revenue_score_brackets").lookup(Decimal(revenue_yuan)) == points


@pytest.mark.parametrize(
    ("ratio", "points"),
    [("0", 50), ("1", 50), ("1.0001", 40), ("2", 40), ("2.01", 30), ("3", 30), ("4", 20), ("4.5", 10),
     ("5", 10), ("5.0001", 0), ("100", 0)],
)
def test_health_brackets_r_m_health_upper_inclusive(book, ratio, points):
    assert book.brackets("health_ratio_brackets").lookup(Decimal(ratio)) == points


@pytest.mark.parametrize(
    ("cash", "points"),
    [(0, 0), (79999, 0), (80000, 5), (199999, 5), (200000, 10), (400000, 15), (600000, 20), (999999, 20),
     (1000000, 30), (2000000, 50)],
)
def test_cash_bonus_tiers_r_m_bonus(book, cash, points):
    assert book.brackets("bonus_cash_brackets").lookup(cash) == points


@pytest.mark.parametrize(
    ("users", "points"),
    [(99999, 0), (100000, 10), (200000, 15), (400000, 20), (600000, 30), (800000, 40), (999999, 40),
     (1000000, 50)],
)
def test_active_user_bonus_tiers_r_m_bonus(book, users, points):
    assert book.brackets("bonus_active_users_brackets").lookup(users) == points


@pytest.mark.parametrize(("count", "notifications"), [(0, 0), (24, 0), (25, 1), (34, 1), (35, 2), (44, 2), (45, 3)])
def test_notification_steps_r_d_notify(book, count, notifications):
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    assert steps_over_threshold(count, threshold, step) == notifications


@pytest.mark.parametrize(
    ("notifications", "level", "payout"),
    [(0, None, None), (4, None, None), (5, 1, 75), (9, 1, 75), (10, 2, 50), (14, 2, 50), (15, 3, 25),
     (19, 3, 25), (20, 4, 0), (99, 4, 0)],
)
def test_warning_level_rows_r_d_warn(book, notifications, level, payout):
    row = table_row_for(book.rows("warning_levels"), "min_notifications", notifications)
    assert (row["level"] if row else None) == level
    assert (row["payout_percent"] if row else None) == payout


@pytest.mark.parametrize(
    ("score", "grade"),
    [(1000, "A"), (800, "A"), (799.99, "B"), (600, "B"), (599, "C"), (450, "C"), (449, "D"), (300, "D"),
     (299, "E"), (150, "E"), (149, "F"), (1, "F")],
)
def test_credit_grade_brackets_r_k_range(book, score, grade):
    assert book.brackets("credit_grade_brackets").lookup(score) == grade


def test_brackets_right_closed_equal_threshold_stays_low():
    brackets = Brackets(thresholds=(Decimal(1), Decimal(2)), points=("low", "mid", "high"), closed="right")
    assert [brackets.lookup(v) for v in ("1", "1.5", "2", "2.5")] == ["low", "mid", "mid", "high"]


@pytest.mark.parametrize(("value", "expected"), [(-5, 0), (0, 0), (55, 55), (100, 100), (130, 100)])
def test_clamp_r_m_total(value, expected):
    assert clamp(Decimal(value), Decimal(0), Decimal(100)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("1.005", "1.01"), ("1.004", "1.00"), ("-1.005", "-1.01"), ("2.5", "2.50")]
)
def test_money_rounds_half_up_to_fen(value, expected):
    assert money(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("start", "duration", "end"),
    [
        (dt.date(2026, 1, 31), {"value": 1, "unit": "months"}, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 10), {"value": 1, "unit": "weeks"}, dt.date(2026, 3, 17)),
        (dt.date(2026, 3, 10), {"value": 15, "unit": "days"}, dt.date(2026, 3, 25)),
        (dt.date(2024, 2, 29), {"value": 2, "unit": "years"}, dt.date(2026, 2, 28)),
    ],
)
def test_add_duration(start, duration, end):
    assert add_duration(start, duration) == end
