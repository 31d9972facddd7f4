"""R-D-WARN: the month's running notification totals and the warning level each partner reached."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from core.bulk import existing_values, upsert_changed

from ..models import (
    MonthlyWarning,
)
from ..rules import (
    evaluate_warning,
    warning_thresholds,
)
from ..selectors import (
    notification_running_totals,
    rule_book_in_force,
)


def _proposals_affected(*, day: dt.date, warnings: dict, previous: dict) -> set[tuple[int, str]]:
    """Partner-types whose proposals may change: a proposal's facts are its level, the day it was reached and
    the running total on that day, so a changed warning matters when its levels or their days changed, or
    when the day just counted lies on or before a day a level was reached (which can move that running total)."""
    affected = set()
    for key, old in previous.items():
        state = warnings.get(key)
        new_reached = {str(level): reached[0].isoformat() for level, reached in state.reached.items()} if state else {}
        new_level = state.level if state else 0
        old_level, old_reached = (old["level"], old["level_reached_on"]) if old else (0, {})
        days = [*new_reached.values(), *old_reached.values()]
        if (new_level, new_reached) != (old_level, old_reached) or any(day.isoformat() <= d for d in days):
            affected.add(key)
    return affected


# --- R-D-WARN: monthly warnings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningState:
    """A partner-type's warning in the month, with the day and running total each reached level was first hit."""

    notification_count: int
    level: int
    reached: dict[int, tuple[dt.date, int]]


@transaction.atomic
def monthly_warnings_refresh(
    *, month: dt.date, only: set[tuple[int, str]] | None = None, only_complete: bool = False,
    partners: tuple[int, int] | None = None,
) -> tuple[dict[tuple[int, str], WarningState], dict[tuple[int, str], dict | None]]:
    """Recompute the month's warning levels from its stored daily notifications (R-D-WARN), upserting rows.

    ``only`` limits the work to those partner-types (all of them when a stored warning was computed with
    another rule set than the month's, unless ``only_complete``: ``only`` then holds every partner-type of its
    partners with notifications or a warning in the month, as a shard of the month end passes). Returns the
    recomputed warning states and, for each partner-type whose stored warning changed, its previous
    ``{"level", "level_reached_on"}`` (None when it had none).

    ``partners`` (an inclusive partner-id range, without ``only``) recomputes every partner-type of those
    partners, as ``only`` holding all of them with ``only_complete`` does, without listing them first.
    """
    month = month.replace(day=1)
    rule_set, book = rule_book_in_force(on=month)
    if (only is not None and not only_complete
            and MonthlyWarning.objects.filter(month=month).exclude(rule_set=rule_set).exists()):
        only = None
    if only is not None and not only:
        return {}, {}
    thresholds = warning_thresholds(book)
    partner_ids = None if only is None else {partner_id for partner_id, _ in only}
    running = notification_running_totals(
        month=month, thresholds=[minimum for _, minimum in thresholds], partner_ids=partner_ids, partners=partners
    )
    if only is not None:
        running = {key: value for key, value in running.items() if key in only}
    states: dict[tuple[int, str], WarningState] = {}
    desired: dict[tuple[int, str], dict] = {}
    for key, progress in running.items():
        first_reached = {
            level: progress.first_reached[minimum][0] if progress.first_reached[minimum] else None
            for level, minimum in thresholds
        }
        result = evaluate_warning(notification_count=progress.total, first_reached=first_reached, book=book)
        states[key] = WarningState(
            notification_count=progress.total,
            level=result.level,
            reached={
                level: progress.first_reached[minimum]
                for level, minimum in thresholds
                if level <= result.level and progress.first_reached[minimum]
            },
        )
        desired[key] = {
            "notification_count": progress.total,
            "level": result.level,
            "level_reached_on": result.level_reached_on,
            "rule_set_id": rule_set.pk,
            "items": result.items,
        }
    stored = MonthlyWarning.objects.filter(month=month)
    if partner_ids is not None:
        stored = stored.filter(partner_id__in=partner_ids)
    if partners is not None:
        stored = stored.filter(partner_id__gte=partners[0], partner_id__lte=partners[1])
    compare = ["notification_count", "level", "level_reached_on", "rule_set_id"]
    written = upsert_changed(
        model=MonthlyWarning,
        desired=desired,
        existing=existing_values(stored, compare, keys=only),
        fixed={"month": month},
        compare=compare,
        write=[*compare, "items"],
        unique=["partner", "cooperation_type", "month"],
    )
    return states, {
        key: None if old is None else {"level": old[1], "level_reached_on": old[2]}
        for key, old in written["previous"].items()
    }
