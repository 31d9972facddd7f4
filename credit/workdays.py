"""The Chinese working-day calendar for R-K-DEADLINE.

Order of precedence for a day:
1. an entry in ``CalendarOverride`` (admin-editable holidays and make-up workdays) always wins;
2. otherwise the ``chinesecalendar`` package (official holidays and make-up workdays, data 2004–2026 in 1.11);
3. outside the package's range: Monday–Friday are working days, weekends are not.

So for a year the package does not know (2027 on), staff enter that year's official arrangement as overrides.
"""

import datetime as dt
from collections.abc import Mapping

import chinese_calendar

from .choices import CalendarDayKind


def package_is_workday(day: dt.date) -> bool | None:
    """The package's answer, or None when the day is outside its data."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_working_day(day: dt.date, overrides: Mapping[dt.date, str]) -> bool:
    kind = overrides.get(day)
    if kind is not None:
        return kind == CalendarDayKind.WORKDAY
    known = package_is_workday(day)
    if known is not None:
        return known
    return day.weekday() < 5


def calendar_overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    from .models import CalendarOverride

    return dict(CalendarOverride.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind"))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``; overrides are read from the database in 60-day windows."""
    if count < 1:
        raise ValueError(f"count: working days must be ≥ 1, got {count}")
    window = dt.timedelta(days=60)
    loaded_until = start + window
    overrides = calendar_overrides(start, loaded_until)
    day, found = start, 0
    while found < count:
        day += dt.timedelta(days=1)
        if day > loaded_until:
            overrides.update(calendar_overrides(loaded_until + dt.timedelta(days=1), loaded_until + window))
            loaded_until += window
        if is_working_day(day, overrides):
            found += 1
    return day
