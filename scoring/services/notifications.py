"""R-D-NOTIFY: the daily notification job (count, evaluate, upsert the day), then the month's warnings and
penalty proposals. The counting and writing runs in Python everywhere and as one statement on PostgreSQL
(``notifications_pg``)."""

import datetime as dt

from django.db import connection, transaction

from core.bulk import existing_values, serialize_runs, upsert_changed
from core.jobs import JobProgress

from ..models import (
    DailyNotification,
    RuleSet,
)
from ..rules import (
    evaluate_daily_notification,
)
from ..selectors import (
    rule_book_in_force,
    unknowing_subscription_counts,
)
from .notifications_pg import daily_notifications_write_sql
from .penalties import penalty_proposals_reconcile
from .warnings import _proposals_affected, monthly_warnings_refresh

# --- R-D-NOTIFY: daily notifications ------------------------------------------------------------------------------


@transaction.atomic
def daily_notifications_run(
    *, day: dt.date, progress: JobProgress | None = None, actor=None, refresh_month: bool = False
) -> dict[str, int]:
    """Count the day's unknowing-subscription tickets per partner-type, store the notifications (R-D-NOTIFY),
    then bring the month's warnings (R-D-WARN) and penalty proposals up to date.

    Idempotent: rows are upserted on (partner, cooperation type, date). Only the partner-types whose row for
    the day changed can have a different warning, so only they are recomputed (``refresh_month`` recomputes
    every partner-type of the month). Raises ``JobRefused`` (nothing written) when the result would change
    an approved penalty proposal.
    """
    if progress:
        progress.set_total(3)
    serialize_runs("scoring.daily", day)
    rule_set, book = rule_book_in_force(on=day)
    if connection.vendor == "postgresql":
        counts = daily_notifications_write_sql(day=day, rule_set=rule_set, book=book)
    else:
        counts = daily_notifications_write_python(day=day, rule_set=rule_set, book=book)
    if progress:
        progress.advance()
    month = day.replace(day=1)
    warnings, changed = monthly_warnings_refresh(month=month, only=None if refresh_month else counts["keys"])
    if progress:
        progress.advance()
    affected = None if refresh_month else _proposals_affected(day=day, warnings=warnings, previous=changed)
    proposal_counts = penalty_proposals_reconcile(month=month, warnings=warnings, only=affected, actor=actor)
    if progress:
        progress.advance()
    return {
        "notified_partner_types": counts["notified"],
        "notifications": counts["notifications"],
        "notification_rows_created": counts["created"],
        "notification_rows_updated": counts["updated"],
        "notification_rows_deleted": counts["deleted"],
        "warnings_changed": len(changed),
        "proposals_checked": len(affected) if affected is not None else len(warnings),
        **proposal_counts,
    }


def daily_notifications_write_python(
    *, day: dt.date, rule_set: RuleSet, book, partners: tuple[int, int] | None = None
) -> dict:
    """The day's notification rows (R-D-NOTIFY), evaluated row by row with ``evaluate_daily_notification``.

    Used on SQLite; ``daily_notifications_write_sql`` does the same in one statement on PostgreSQL. Returns
    the notified partner-types and notifications, rows created/updated/deleted and the keys whose row changed.
    ``partners`` (an inclusive partner-id range) limits it to those partners (a shard of the month end).
    """
    threshold = book.integer("notify_threshold")
    desired: dict[tuple[int, str], dict] = {}
    stored = DailyNotification.objects.filter(date=day)
    if partners is not None:
        stored = stored.filter(partner_id__gte=partners[0], partner_id__lte=partners[1])
    for partner_id, cooperation_type, tickets in unknowing_subscription_counts(day=day, at_least=threshold):
        if partners is not None and not partners[0] <= partner_id <= partners[1]:
            continue
        result = evaluate_daily_notification(complaint_count=tickets, book=book)
        if result.notifications:
            desired[(partner_id, cooperation_type)] = {
                "complaint_count": tickets,
                "notifications": result.notifications,
                "rule_set_id": rule_set.pk,
                "items": result.items,
            }
    compare = ["complaint_count", "notifications", "rule_set_id"]
    counts = upsert_changed(
        model=DailyNotification,
        desired=desired,
        existing=existing_values(stored, compare),
        fixed={"date": day},
        compare=compare,
        write=[*compare, "items"],
        unique=["partner", "cooperation_type", "date"],
    )
    return {
        "notified": len(desired),
        "notifications": sum(values["notifications"] for values in desired.values()),
        **{name: counts[name] for name in ("created", "updated", "deleted", "keys")},
    }
