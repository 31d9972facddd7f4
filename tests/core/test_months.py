import datetime as dt

import pytest

from core.months import add_months, month_end, months_between, parse_month


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/10", "202610", "26-10", "", "2026-1"])
def test_parse_month_rejects_bad_forms(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_parse_month_gives_first_day():
    assert parse_month(" 2026-10 ") == dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
     (dt.date(2026, 1, 1), -1, dt.date(2025, 12, 1)), (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28))],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_month_end_and_months_between():
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 6, 1)) == 5
