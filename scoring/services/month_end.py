"""The month's daily notifications in one pass (catch-up / month end): every day of the month counted and written
together, the warnings evaluated once, the penalty proposals replayed level by level — the same rows as running
``daily_notifications_run`` for each day in order (parity tested), with a fraction of the statements.

On PostgreSQL one statement counts, evaluates and upserts all the days (``month_notifications_write_sql``, the
thresholds of each day's rule set passed as arrays); SQLite runs the per-day Python path.
"""

import datetime as dt
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from core.bulk import BATCH, serialize_runs
from core.choices import PROTECTED_STATUSES
from core.jobs import JobProgress
from core.months import month_end
from partners.choices import ComplaintCategory
from partners.models import ComplaintTicket, Partner

from ..models import DailyNotification, MonthlyAssessment, PenaltyProposal
from ..selectors import in_partner_range, rule_book_in_force, rule_books_in_force
from .notifications import daily_notifications_write_python
from .notifications_pg import NOTIFICATION_UPSERT, notification_detail_format
from .penalties import penalty_proposal_chains_insert_sql, penalty_proposals_reconcile
from .warnings import WarningState, monthly_warnings_refresh

PartnerRange = tuple[int, int] | None


def month_days(month: dt.date, through: dt.date | None = None) -> list[dt.date]:
    last = month_end(month) if through is None else min(through, month_end(month))
    return [month + dt.timedelta(days=n) for n in range((last - month).days + 1)]


@transaction.atomic
def month_notifications_run(
    *, month: dt.date, through: dt.date | None = None, progress: JobProgress | None = None, actor=None,
    partners: PartnerRange = None,
) -> dict[str, int]:
    """Daily notifications for every day of ``month`` (up to ``through``), then the month's warnings and
    penalty proposals — what ``daily_notifications_run`` for each of those days in order leaves behind.

    ``partners`` (an inclusive partner-id range) limits everything to those partners (a shard of the month end,
    ``scoring.tasks``). Idempotent; raises ``JobRefused`` (nothing written) when an approved penalty proposal
    would change, like the daily run.
    """
    month = month.replace(day=1)
    days = month_days(month, through)
    if progress:
        progress.set_total(3)
    serialize_runs("scoring.daily", month, shard=f"{partners[0]}-{partners[1]}" if partners else "")
    if _set_based():
        counts = month_notifications_write_sql(days=days, partners=partners)
    else:
        counts = {"notified": 0, "notifications": 0, "created": 0, "updated": 0, "deleted": 0}
        for day in days:
            rule_set, book = rule_book_in_force(on=day)
            day_counts = daily_notifications_write_python(day=day, rule_set=rule_set, book=book, partners=partners)
            for name in counts:
                counts[name] += day_counts[name]
    if progress:
        progress.advance()
    # Warnings and proposals partner range by range, inside this one transaction (a shard is one range or
    # more): the warning states, proposal chains and rows being written are held for one range at a time,
    # so memory stays bounded by the range size, not by the number of partner-types of the month.
    changed = 0
    proposal_counts = {"proposals_created": 0, "proposals_updated": 0, "proposals_superseded": 0,
                       "proposals_withdrawn": 0}
    for batch in _partner_ranges(partners=partners, size=RANGE_PARTNERS):
        warnings, batch_changed = monthly_warnings_refresh(month=month, partners=batch)
        # the range's partner-types with notifications, a warning or a proposal in the month: every one with
        # notifications has a state, a warning no longer wanted was deleted (a change)
        keys = set(warnings) | set(batch_changed) | set(
            in_partner_range(PenaltyProposal.objects.filter(month=month), batch)
            .values_list("partner_id", "cooperation_type").distinct())
        changed += len(batch_changed)
        for name, value in _proposals_replay(month=month, warnings=warnings, only=keys, actor=actor).items():
            proposal_counts[name] += value
        del warnings, batch_changed
    if progress:
        progress.advance(2)
    return {
        "days": len(days),
        "notified_partner_type_days": counts["notified"],
        "notifications": counts["notifications"],
        "notification_rows_created": counts["created"],
        "notification_rows_updated": counts["updated"],
        "notification_rows_deleted": counts["deleted"],
        "warnings_changed": changed,
        **proposal_counts,
    }


# partners per range of the month end's warnings and proposals: two cooperation types each, so about one
# ``core.bulk.BATCH`` of partner-types
RANGE_PARTNERS = BATCH // 2


def _partner_ranges(*, partners: PartnerRange, size: int) -> Iterator[tuple[int, int]]:
    """Inclusive partner-id ranges of at most ``size`` partners each, covering ``partners`` (all partners when
    None) without a gap, so every partner-type of the month falls in exactly one of them. Each bound is one
    indexed query, so the ids are never all held at once."""
    ids = Partner.objects.order_by("pk").values_list("pk", flat=True)
    if partners is not None:
        ids = ids.filter(pk__gte=partners[0], pk__lte=partners[1])
    first = ids.first()
    if first is None:
        return
    low = partners[0] if partners is not None else first
    while True:
        bound = list(ids.filter(pk__gte=low)[size - 1:size])
        if not bound:
            yield low, partners[1] if partners is not None else ids.last()
            return
        yield low, bound[0]
        low = bound[0] + 1


def _set_based() -> bool:
    """The set-based statements run on PostgreSQL; SQLite runs the per-day / per-row Python paths."""
    return connection.vendor == "postgresql"


def _proposals_replay(
    *, month: dt.date, warnings: dict[tuple[int, str], WarningState], only, actor
) -> dict[str, int]:
    """Penalty proposals as the day-by-day runs create them: each day a new level is first reached, a proposal for
    the highest level reached that day supersedes the pending lower one.

    Partner-types without a proposal in the month get their whole chain at once (one statement on PostgreSQL,
    ``penalty_proposal_chains_insert_sql``). The others replay the levels not yet proposed step by step (at most
    one step per warning level, all partner-types of a step in one ``penalty_proposals_reconcile``); then one
    reconcile with the final warnings settles corrections (withdrawals, refusals, changed facts) for every
    partner-type that had proposals. SQLite replays every partner-type through the reconcile.
    """
    top_proposed: dict[tuple[int, str], int] = {}
    existing = PenaltyProposal.objects.filter(month=month)
    if only is not None:
        existing = existing.filter(partner_id__in={partner_id for partner_id, _ in only})
    for partner_id, cooperation_type, level in existing.values_list("partner_id", "cooperation_type", "level"):
        key = (partner_id, cooperation_type)
        if only is None or key in only:
            top_proposed[key] = max(level, top_proposed.get(key, 0))
    set_based = _set_based()
    fresh: dict[tuple[int, str], list[WarningState]] = {}
    steps: dict[tuple[int, str], list[WarningState]] = {}
    for key, state in warnings.items():
        if state.level == 0 or state.level <= top_proposed.get(key, 0):
            continue
        chain = _level_steps(state, above=top_proposed.get(key, 0))
        if set_based and key not in top_proposed:
            fresh[key] = chain
        elif len(chain) > 1:
            steps[key] = chain[:-1]  # the final reconcile proposes the top level
    totals = {"proposals_created": 0, "proposals_updated": 0, "proposals_superseded": 0, "proposals_withdrawn": 0}

    def add(counts):
        for name, value in counts.items():
            totals[name] += value

    if fresh:
        add(penalty_proposal_chains_insert_sql(month=month, chains=fresh, actor=actor))
    for index in range(max((len(chain) for chain in steps.values()), default=0)):
        step = {key: chain[index] for key, chain in steps.items() if len(chain) > index}
        add(penalty_proposals_reconcile(month=month, warnings=step, only=set(step), actor=actor))
    settle = set(top_proposed) | (set() if set_based else {key for key, state in warnings.items() if state.level})
    if settle:
        add(penalty_proposals_reconcile(month=month, warnings=warnings, only=settle, actor=actor))
    return totals


def _level_steps(state: WarningState, *, above: int) -> list[WarningState]:
    """The warning as it stood at the end of each day a new highest level (above ``above``) was first reached."""
    top_by_day: dict[dt.date, int] = {}
    for level, (day, _) in state.reached.items():
        top_by_day[day] = max(level, top_by_day.get(day, 0))
    chain = []
    for day in sorted(top_by_day):
        if top_by_day[day] <= above or (chain and top_by_day[day] <= chain[-1].level):
            continue
        reached = {level: value for level, value in state.reached.items() if value[0] <= day}
        chain.append(WarningState(notification_count=reached[top_by_day[day]][1], level=top_by_day[day],
                                  reached=reached))
    return chain


def month_notifications_write_sql(*, days: list[dt.date], partners: PartnerRange = None) -> dict:
    """PostgreSQL: count, evaluate and upsert the notifications of all ``days`` (one month) in one statement.

    The statement of ``daily_notifications_write_sql`` over a date range: each day's threshold, step, rule set,
    rule id and detail text (``rules.daily_notification_detail``) come from the rule set in force on that day,
    passed as arrays, so the stored rows are identical to the per-day runs'. Only rows whose compared values
    differ are rewritten; rows of those days no longer notifying are deleted.
    """
    params: dict = {"days": [], "rule_sets": [], "thresholds": [], "steps": [], "rules": [], "templates": []}
    for day, (rule_set, book) in rule_books_in_force(days=days).items():
        threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
        template = notification_detail_format(threshold=threshold, step=step)
        for name, value in (("days", day), ("rule_sets", rule_set.pk), ("thresholds", threshold),
                            ("steps", step), ("rules", book.rule_id("notify_threshold")), ("templates", template)):
            params[name].append(value)
    table = DailyNotification._meta.db_table
    tickets = ComplaintTicket._meta.db_table
    in_range = "" if partners is None else " AND partner_id BETWEEN %(low)s AND %(high)s"
    sql = f"""
        WITH day_rules AS (
            SELECT * FROM unnest(%(days)s::date[], %(rule_sets)s::int[], %(thresholds)s::int[], %(steps)s::int[],
                                 %(rules)s::text[], %(templates)s::text[])
                   AS r (day, rule_set_id, threshold, step, rule, template)
        ), counted AS (
            SELECT partner_id, cooperation_type, received_on AS day, count(*) AS tickets
            FROM {tickets}
            WHERE received_on BETWEEN %(first)s AND %(last)s AND category = %(category)s{in_range}
            GROUP BY partner_id, cooperation_type, received_on
        ), desired AS (
            SELECT c.partner_id, c.cooperation_type, c.day, c.tickets, r.rule_set_id, r.rule, r.template,
                   1 + (c.tickets - r.threshold) / r.step AS notifications
            FROM counted c JOIN day_rules r ON r.day = c.day
            WHERE c.tickets >= r.threshold
        ), written AS (
            INSERT INTO {table} AS current
                (partner_id, cooperation_type, date, complaint_count, notifications, rule_set_id, items, computed_at)
            SELECT partner_id, cooperation_type, day, tickets, notifications, rule_set_id,
                   jsonb_build_array(jsonb_build_object(
                       'rule', rule, 'points', notifications, 'detail', format(template, tickets, notifications))),
                   %(now)s
            FROM desired WHERE notifications > 0{NOTIFICATION_UPSERT}
            RETURNING xmax = 0 AS created
        ), deleted AS (
            DELETE FROM {table} AS stale
            WHERE stale.date BETWEEN %(first)s AND %(last)s{in_range.replace("partner_id", "stale.partner_id")}
              AND NOT EXISTS (
                SELECT 1 FROM desired
                WHERE desired.partner_id = stale.partner_id AND desired.cooperation_type = stale.cooperation_type
                  AND desired.day = stale.date AND desired.notifications > 0)
            RETURNING 1
        )
        SELECT (SELECT count(*) FILTER (WHERE created) FROM written),
               (SELECT count(*) FILTER (WHERE NOT created) FROM written),
               (SELECT count(*) FROM deleted),
               count(*), coalesce(sum(notifications), 0)
        FROM desired WHERE notifications > 0
    """
    params.update({"first": days[0], "last": days[-1], "category": ComplaintCategory.UNKNOWING_SUBSCRIPTION,
                   "now": timezone.now()})
    if partners is not None:
        params["low"], params["high"] = partners
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created, updated, deleted, notified, notifications = cursor.fetchone()
    return {"notified": notified, "notifications": int(notifications), "created": created, "updated": updated,
            "deleted": deleted}


# --- the month end over several workers: shards by partner range ---------------------------------------------------


def month_end_shards(*, month: dt.date, count: int) -> list[tuple[int, int]]:
    """``count`` inclusive partner-id ranges splitting the month's complaint tickets about evenly (the tickets are
    the work: counting them per day and for the assessment). Ranges cover every partner id, so each
    partner-type of the month falls in exactly one shard."""
    month = month.replace(day=1)
    ids = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    if not ids or count <= 1:
        return [(0, (ids[-1] if ids else 0) + 1_000_000_000)]
    per_partner = dict(
        ComplaintTicket.objects.filter(received_on__gte=month, received_on__lte=month_end(month))
        .order_by().values("partner_id").annotate(n=Count("id")).values_list("partner_id", "n")
    )
    total = sum(per_partner.values()) or len(ids)
    bounds, running, low = [], 0, 0
    for pk in ids:
        running += per_partner.get(pk, 0) or (0 if per_partner else 1)
        if len(bounds) < count - 1 and running >= total * (len(bounds) + 1) / count:
            bounds.append((low, pk))
            low = pk + 1
    bounds.append((low, ids[-1] + 1_000_000_000))
    return bounds


def month_end_has_protected_results(*, month: dt.date) -> bool:
    """Whether the month has results a job may refuse to change (approved proposals, submitted or approved
    assessments). Shards commit one by one, so only a month without them runs sharded: its shards cannot be
    refused, and the month is written whole or (a shard failing) retried shard by shard, idempotently."""
    month = month.replace(day=1)
    return (PenaltyProposal.objects.filter(month=month, status__in=PROTECTED_STATUSES).exists()
            or MonthlyAssessment.objects.filter(month=month, status__in=PROTECTED_STATUSES).exists())


def month_end_counts_merge(results: list[dict]) -> dict[str, int]:
    """The shards' counts added up (the final step of the sharded month end)."""
    merged: dict[str, int] = {}
    for counts in results:
        for name, value in counts.items():
            if name == "days":
                merged[name] = max(merged.get(name, 0), value)
            elif isinstance(value, int):
                merged[name] = merged.get(name, 0) + value
    return merged
