"""R-K-DEADLINE: due dates in Chinese working days (chinesecalendar + the admin override table)."""

import datetime as dt

import pytest

from credit.choices import CalendarDayKind
from credit.workdays import add_working_days, is_working_day

from .factories import CalendarOverrideFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("issued", "count", "due"),
    [
        # National Day 2026-10-01..07 off; Sat 2026-10-10 is a make-up workday, Sun 10-11 is not
        (D(2026, 9, 30), 5, D(2026, 10, 13)),
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
        (D(2026, 10, 1), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),   # the make-up Saturday counts
        (D(2026, 10, 10), 1, D(2026, 10, 12)),
        # Mid-autumn 2026-09-25..27 off; Sun 2026-09-20 is a make-up workday
        (D(2026, 9, 19), 1, D(2026, 9, 20)),
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 11, 2), 5, D(2026, 11, 9)),    # an ordinary week
    ],
)
def test_due_date_across_holidays_and_make_up_days_r_k_deadline(issued, count, due):
    assert add_working_days(issued, count) == due


@pytest.mark.parametrize(
    ("day", "working"),
    [(D(2026, 10, 1), False), (D(2026, 10, 7), False), (D(2026, 10, 8), True), (D(2026, 10, 10), True),
     (D(2026, 10, 11), False), (D(2026, 9, 20), True)],
)
def test_package_calendar_r_k_deadline(day, working):
    assert is_working_day(day, {}) is working


def test_outside_the_package_range_weekends_only_r_k_deadline():
    assert add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 6)   # 2027 unknown to the package: Fri 01-01 works
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)     # Fri → Mon


def test_override_holiday_in_2027_r_k_deadline():
    CalendarOverrideFactory(day=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    assert add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 7)


def test_override_make_up_workday_in_2027_r_k_deadline():
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 22)
    CalendarOverrideFactory(day=D(2027, 2, 20), kind=CalendarDayKind.WORKDAY, name="春节调休")
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)


def test_override_takes_precedence_over_the_package_r_k_deadline():
    CalendarOverrideFactory(day=D(2026, 10, 8), kind=CalendarDayKind.HOLIDAY, name="临时调整")
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 14)
    CalendarOverrideFactory(day=D(2026, 10, 11), kind=CalendarDayKind.WORKDAY, name="临时调休")
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_long_override_runs_are_read_beyond_the_first_window_r_k_deadline():
    for offset in range(90):
        CalendarOverrideFactory(day=D(2027, 6, 1) + dt.timedelta(days=offset), kind=CalendarDayKind.HOLIDAY)
    assert add_working_days(D(2027, 5, 31), 1) == D(2027, 8, 30)


def test_working_day_count_must_be_positive():
    with pytest.raises(ValueError, match="count"):
        add_working_days(D(2026, 10, 1), 0)
