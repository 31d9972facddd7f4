import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from .choices import RuleSetStatus
from .models import MonthlyWarning, RuleEntry, RuleSet
from .rules import RuleBook, RuleParam, to_decimal


class NoRuleSetInForce(LookupError):
    pass


def active_rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(status=RuleSetStatus.ACTIVE).order_by("-effective_from")


def rule_set_in_force(*, on: dt.date) -> RuleSet:
    """The active rule set with the latest effective date on or before ``on``."""
    rule_set = active_rule_sets().filter(effective_from__lte=on).first()
    if rule_set is None:
        raise NoRuleSetInForce(f"no active rule set is in force on {on:%Y-%m-%d}")
    return rule_set


_BOOK_CACHE: dict[int, RuleBook] = {}


def rule_book_for(rule_set: RuleSet) -> RuleBook:
    """Snapshot of a set's entries; active sets are immutable, so their snapshots are cached by id."""
    cacheable = rule_set.status == RuleSetStatus.ACTIVE
    if cacheable and rule_set.pk in _BOOK_CACHE:
        return _BOOK_CACHE[rule_set.pk]
    params = {
        entry.key: RuleParam(
            key=entry.key, rule_id=entry.rule_id, kind=entry.kind, value=entry.value, assumed=entry.assumed
        )
        for entry in RuleEntry.objects.filter(rule_set=rule_set)
    }
    book = RuleBook(version=rule_set.version, effective_from=rule_set.effective_from, params=params)
    if cacheable:
        _BOOK_CACHE[rule_set.pk] = book
    return book


def rule_book_in_force(*, on: dt.date) -> tuple[RuleSet, RuleBook]:
    rule_set = rule_set_in_force(on=on)
    return rule_set, rule_book_for(rule_set)


def clear_rule_book_cache() -> None:
    _BOOK_CACHE.clear()


# --- Results other apps read (credit: notifications; settlement: warning levels and payout factor) ---------------


def notification_counts_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """The month's cumulative notification count (R-D-NOTIFY) per (partner_id, cooperation_type); absent = 0."""
    rows = MonthlyWarning.objects.filter(month=month.replace(day=1), notification_count__gt=0)
    return {
        (partner_id, cooperation_type): count
        for partner_id, cooperation_type, count in rows.values_list("partner_id", "cooperation_type",
                                                                     "notification_count")
    }


def warning_levels_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """The highest warning level reached in the month (R-D-WARN) per (partner_id, cooperation_type); absent = 0."""
    rows = MonthlyWarning.objects.filter(month=month.replace(day=1), level__gt=0)
    return {
        (partner_id, cooperation_type): level
        for partner_id, cooperation_type, level in rows.values_list("partner_id", "cooperation_type", "level")
    }


def warning_payout_percent(*, level: int, month: dt.date) -> Decimal:
    """Settlement percentage paid at a warning level (R-D-WARN table, applied by R-S-WARN); 100 for level 0."""
    if level <= 0:
        return Decimal("100")
    _, book = rule_book_in_force(on=month.replace(day=1))
    for row in book.rows("warning_levels"):
        if int(row["level"]) == level:
            return to_decimal(row["payout_percent"])
    raise ValueError(f"level: rule set v{book.version} has no warning level {level}")
