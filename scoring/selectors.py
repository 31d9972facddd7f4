import datetime as dt

from django.db.models import QuerySet

from .choices import RuleSetStatus
from .models import RuleEntry, RuleSet
from .rules import RuleBook, RuleParam


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
