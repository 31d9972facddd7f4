"""Month values: stored as the first day of the month, written as YYYY-MM."""

import datetime as dt
import re

from django.utils.translation import gettext as _

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date:
    """Parse ``YYYY-MM`` into the first day of that month; raise ValueError with a readable reason."""
    match = _MONTH_RE.match((text or "").strip())
    if not match:
        raise ValueError(_("'%(text)s' 不是 YYYY-MM 形式的月份") % {"text": text})
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(_("'%(text)s' 的月份 %(month)s 不在 01–12 之间") % {"text": text, "month": month})
    return dt.date(year, month, 1)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(_("'%(text)s' 不是 YYYY-MM-DD 形式的日期") % {"text": text}) from None


def format_month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def add_months(day: dt.date, months: int) -> dt.date:
    """Shift by whole months, clamping the day to the target month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def month_end(month: dt.date) -> dt.date:
    return add_months(month.replace(day=1), 1) - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start's month to end's month (same month → 0)."""
    return (end.year - start.year) * 12 + end.month - start.month


def previous_month(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), -1)
