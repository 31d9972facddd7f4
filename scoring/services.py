"""Writes: rule sets (copy, edit, activate, mark as used); the daily notification and warning job with its
penalty proposals (R-D-*); the monthly assessment (R-M-*).

Jobs aggregate in the database for all partners at once (``scoring.selectors``), evaluate the plain values
with the pure evaluators of ``scoring.rules`` and write in bulk. Re-running a job upserts on the natural key,
so a second run changes nothing; results that were approved (or are waiting for approval) are never
changed silently: the job raises ``JobRefused`` and writes nothing.
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record, audit_record_many
from core.choices import ApprovalStatus
from core.jobs import JobProgress, JobRefused, job_run
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from partners.choices import ComplaintCategory, CooperationType
from partners.models import ComplaintTicket, Partner

from .choices import RuleSetStatus
from .models import (
    DailyNotification,
    MonthlyAssessment,
    MonthlyWarning,
    PenaltyProposal,
    RuleEntry,
    RuleSet,
    UpgradedComplaintInclusion,
)
from .rule_validation import validate_rule_value
from .rules import (
    AssessmentInputs,
    AssessmentResult,
    add_duration,
    daily_notification_detail,
    evaluate_assessment,
    evaluate_daily_notification,
    evaluate_warning,
    fmt_duration,
    fmt_points,
    item,
    money,
    warning_measures,
    warning_thresholds,
)
from .selectors import (
    assessment_inputs_for_month,
    clear_rule_book_cache,
    notification_running_totals,
    rule_book_for,
    rule_book_in_force,
    unknowing_subscription_counts,
)


def _require_editable(rule_set: RuleSet) -> None:
    if not rule_set.is_editable:
        raise ValidationError(
            f"规则集 v{rule_set.version} 已生效或已被审批结果使用，不能修改；请复制为新版本草稿。",
            code="rule_set_locked",
        )


@transaction.atomic
def rule_set_copy_as_draft(*, source: RuleSet, actor=None, name: str = "", note: str = "") -> RuleSet:
    next_version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = RuleSet.objects.create(
        version=next_version,
        name=name or f"{source.name}（v{next_version} 草稿）",
        status=RuleSetStatus.DRAFT,
        based_on=source,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    RuleEntry.objects.bulk_create(
        RuleEntry(
            rule_set=draft,
            key=entry.key,
            rule_id=entry.rule_id,
            kind=entry.kind,
            value=entry.value,
            unit=entry.unit,
            description=entry.description,
            source=entry.source,
            assumed=entry.assumed,
        )
        for entry in source.entries.all()
    )
    audit_record(obj=draft, action="rule_set_copy", actor=actor, reason=note, data={"from_version": source.version})
    return draft


@transaction.atomic
def rule_entry_update(*, entry: RuleEntry, value, actor=None, assumed: bool | None = None) -> RuleEntry:
    _require_editable(entry.rule_set)
    errors = validate_rule_value(entry.kind, value)
    if errors:
        raise ValidationError({"value": [f"{entry.rule_id} {entry.key}: {e}" for e in errors]})
    before = entry.value
    entry.value = value
    if assumed is not None:
        entry.assumed = assumed
    entry.save()
    audit_record(
        obj=entry, action="rule_entry_update", actor=actor, rule_id=entry.rule_id, data={"from": before, "to": value}
    )
    return entry


def rule_set_problems(rule_set: RuleSet) -> list[str]:
    """Every invalid entry and every parameter missing against the set it was copied from."""
    problems = []
    entries = list(rule_set.entries.all())
    for entry in entries:
        problems += [f"{entry.rule_id} {entry.key}: {e}" for e in validate_rule_value(entry.kind, entry.value)]
    if rule_set.based_on_id:
        missing = set(rule_set.based_on.entries.values_list("key", flat=True)) - {e.key for e in entries}
        problems += [f"缺少参数 {key}" for key in sorted(missing)]
    return problems


@transaction.atomic
def rule_set_activate(*, rule_set: RuleSet, effective_from: dt.date, actor=None) -> RuleSet:
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _require_editable(rule_set)
    problems = rule_set_problems(rule_set)
    if problems:
        raise ValidationError(problems, code="invalid_rule_set")
    clash = RuleSet.objects.filter(status=RuleSetStatus.ACTIVE, effective_from=effective_from).first()
    if clash:
        raise ValidationError(
            f"v{clash.version} 已于 {effective_from:%Y-%m-%d} 生效；同一生效日期只能有一个规则集。",
            code="effective_from_taken",
        )
    rule_set.status = RuleSetStatus.ACTIVE
    rule_set.effective_from = effective_from
    rule_set.activated_at = timezone.now()
    rule_set.activated_by = actor if getattr(actor, "pk", None) else None
    rule_set.save()
    clear_rule_book_cache()
    audit_record(
        obj=rule_set, action="rule_set_activate", actor=actor, to_status=rule_set.status,
        data={"effective_from": effective_from.isoformat()},
    )
    return rule_set


def rule_set_mark_used(*, rule_set_id: int) -> None:
    """Called when a result computed with this set is approved: from now on the set cannot change."""
    RuleSet.objects.filter(pk=rule_set_id, locked=False).update(locked=True)


# --- Shared job plumbing ------------------------------------------------------------------------------------------

PROTECTED_STATUSES = (ApprovalStatus.APPROVED, ApprovalStatus.SUBMITTED)
BATCH = 2000


def _type_label(cooperation_type: str) -> str:
    return str(CooperationType(cooperation_type).label) if cooperation_type in CooperationType.values else (
        cooperation_type
    )


def _serialize_runs(name: str, month: dt.date) -> None:
    """Two runs for the same month (beat and a hand-started command) wait for each other instead of racing:
    a transaction-scoped advisory lock on PostgreSQL; SQLite already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{name}:{month:%Y-%m}"])


def _partner_codes(partner_ids) -> dict[int, str]:
    return dict(Partner.objects.filter(pk__in=set(partner_ids)).values_list("pk", "code"))


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
    _serialize_runs("scoring.daily", day)
    rule_set, book = rule_book_in_force(on=day)
    if connection.vendor == "postgresql":
        counts = _daily_notifications_write_sql(day=day, rule_set=rule_set, book=book)
    else:
        counts = _daily_notifications_write_python(day=day, rule_set=rule_set, book=book)
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


def _daily_notifications_write_python(*, day: dt.date, rule_set: RuleSet, book) -> dict:
    """The day's notification rows (R-D-NOTIFY), evaluated row by row with ``evaluate_daily_notification``.

    Used on SQLite; ``_daily_notifications_write_sql`` does the same in one statement on PostgreSQL. Returns
    the notified partner-types and notifications, rows created/updated/deleted and the keys whose row changed.
    """
    threshold = book.integer("notify_threshold")
    desired: dict[tuple[int, str], dict] = {}
    for partner_id, cooperation_type, tickets in unknowing_subscription_counts(day=day, at_least=threshold):
        result = evaluate_daily_notification(complaint_count=tickets, book=book)
        if result.notifications:
            desired[(partner_id, cooperation_type)] = {
                "complaint_count": tickets,
                "notifications": result.notifications,
                "rule_set_id": rule_set.pk,
                "items": result.items,
            }
    compare = ["complaint_count", "notifications", "rule_set_id"]
    counts = _upsert(
        model=DailyNotification,
        desired=desired,
        existing=_existing_values(DailyNotification.objects.filter(date=day), compare),
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


_SQL_TOKEN_COUNT, _SQL_TOKEN_NOTIFICATIONS = "\x00count\x00", "\x00notifications\x00"


def _daily_notifications_write_sql(*, day: dt.date, rule_set: RuleSet, book) -> dict:
    """PostgreSQL: count, evaluate and upsert the day's notifications in one statement (R-D-NOTIFY).

    Same rows as ``_daily_notifications_write_python``: threshold and step come from the rule set as
    parameters; the breakdown is built by ``jsonb_build_object`` from the detail text of
    ``rules.daily_notification_detail`` (the counts filled in by ``format``). Only rows whose compared values
    differ are rewritten (``ON CONFLICT … DO UPDATE … WHERE``); rows no longer notifying are deleted.
    """
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    template = daily_notification_detail(
        complaint_count=_SQL_TOKEN_COUNT, threshold=threshold, step=step, notifications=_SQL_TOKEN_NOTIFICATIONS
    ).replace("%", "%%").replace(_SQL_TOKEN_COUNT, "%1$s").replace(_SQL_TOKEN_NOTIFICATIONS, "%2$s")
    table = DailyNotification._meta.db_table
    tickets = ComplaintTicket._meta.db_table
    sql = f"""
        WITH counted AS (
            SELECT partner_id, cooperation_type, count(*) AS tickets
            FROM {tickets}
            WHERE received_on = %(day)s AND category = %(category)s
            GROUP BY partner_id, cooperation_type
            HAVING count(*) >= %(threshold)s
        ), desired AS (
            SELECT partner_id, cooperation_type, tickets,
                   1 + (tickets - %(threshold)s) / %(step)s AS notifications
            FROM counted
        ), written AS (
            INSERT INTO {table} AS current
                (partner_id, cooperation_type, date, complaint_count, notifications, rule_set_id, items, computed_at)
            SELECT partner_id, cooperation_type, %(day)s, tickets, notifications, %(rule_set)s,
                   jsonb_build_array(jsonb_build_object(
                       'rule', %(rule)s::text, 'points', notifications,
                       'detail', format(%(template)s::text, tickets, notifications))),
                   %(now)s
            FROM desired WHERE notifications > 0
            ON CONFLICT (partner_id, cooperation_type, date) DO UPDATE SET
                complaint_count = EXCLUDED.complaint_count, notifications = EXCLUDED.notifications,
                rule_set_id = EXCLUDED.rule_set_id, items = EXCLUDED.items, computed_at = EXCLUDED.computed_at
            WHERE (current.complaint_count, current.notifications, current.rule_set_id)
                  IS DISTINCT FROM (EXCLUDED.complaint_count, EXCLUDED.notifications, EXCLUDED.rule_set_id)
            RETURNING partner_id, cooperation_type, xmax = 0 AS created
        ), deleted AS (
            DELETE FROM {table} AS stale
            WHERE stale.date = %(day)s AND NOT EXISTS (
                SELECT 1 FROM desired
                WHERE desired.partner_id = stale.partner_id AND desired.cooperation_type = stale.cooperation_type
                  AND desired.notifications > 0)
            RETURNING partner_id, cooperation_type
        )
        SELECT 'written', partner_id, cooperation_type, created::int FROM written
        UNION ALL SELECT 'deleted', partner_id, cooperation_type, 0 FROM deleted
        UNION ALL SELECT 'total', count(*), '', coalesce(sum(notifications), 0)::int
                  FROM desired WHERE notifications > 0
    """
    params = {
        "day": day, "category": ComplaintCategory.UNKNOWING_SUBSCRIPTION, "threshold": threshold, "step": step,
        "rule_set": rule_set.pk, "rule": book.rule_id("notify_threshold"), "template": template,
        "now": timezone.now(),
    }
    out = {"notified": 0, "notifications": 0, "created": 0, "updated": 0, "deleted": 0, "keys": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, partner_id, cooperation_type, number in cursor.fetchall():
            if kind == "total":
                out["notified"], out["notifications"] = partner_id, number
                continue
            out["keys"].add((partner_id, cooperation_type))
            if kind == "deleted":
                out["deleted"] += 1
            else:
                out["created" if number else "updated"] += 1
    return out


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


def _upsert(
    *, model, desired: dict, existing: dict, fixed: dict, compare: list[str], write: list[str], unique: list[str]
) -> dict:
    """Write only what changed: new and changed rows in one INSERT … ON CONFLICT (natural key) DO UPDATE, so
    existing rows keep their ids; rows no longer wanted are deleted.

    ``desired`` maps ``(partner_id, cooperation_type)`` to the values of ``write``; ``fixed`` holds the rest of
    the natural key (the day or the month). ``existing`` maps each key to ``(pk, values of compare)``. Fields
    outside ``compare`` (the breakdown) are a function of the compared ones and the rule set, so they are
    written but not compared.
    """
    rows, previous, created = [], {}, 0
    for key, values in desired.items():
        current = existing.get(key)
        if current is None:
            created += 1
        elif current[1] == tuple(values[field] for field in compare):
            continue
        rows.append((*key, *(values[field] for field in write)))
        previous[key] = current[1] if current else None
    stale = {key: current[0] for key, current in existing.items() if key not in desired}
    previous.update({key: existing[key][1] for key in stale})
    if stale:
        model.objects.filter(pk__in=stale.values()).delete()
    _raw_upsert(model, rows, fields=["partner_id", "cooperation_type", *write], fixed=fixed, unique=unique)
    return {"created": created, "updated": len(rows) - created, "deleted": len(stale), "keys": set(previous),
            "previous": previous}


def _raw_upsert(model, rows: list[tuple], *, fields: list[str], fixed: dict, unique: list[str]) -> None:
    """Multi-row ``INSERT … ON CONFLICT (unique) DO UPDATE`` from plain tuples (values of ``fields``), plus the
    ``fixed`` values shared by every row and ``computed_at``: no model instances, and each value is adapted
    only where the database needs it (JSON, dates, timestamps). Runs unchanged on PostgreSQL and SQLite."""
    if not rows:
        return
    meta = model._meta
    columns = [*fields, *fixed]
    adapt = []
    for name in columns:
        field = meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if field.get_internal_type() == "JSONField":
            encoder = field.encoder
            adapt.append(lambda value, encoder=encoder: json.dumps(value, cls=encoder))
        elif field.get_internal_type() == "DateField":
            adapt.append(connection.ops.adapt_datefield_value)
        else:
            adapt.append(None)
    shared = [adapt[len(fields) + i](value) if adapt[len(fields) + i] else value
              for i, value in enumerate(fixed.values())]
    row_adapt = adapt[:len(fields)]
    if _has_field(model, "computed_at"):
        columns.append("computed_at")
        shared.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholder = "(" + ", ".join(
        "%s" + (json_cast if meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).get_internal_type()
                == "JSONField" else "")
        for c in columns
    ) + ")"
    key_columns = [meta.get_field(name).column for name in unique]
    updates = [meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).column for c in columns]
    updates = [c for c in updates if c not in key_columns]
    db_columns = [meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).column for c in columns]
    qn = connection.ops.quote_name
    head = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in db_columns)}) VALUES ")
    tail = (f" ON CONFLICT ({', '.join(qn(c) for c in key_columns)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in updates))
    # SQLite allows 999 host parameters per statement in older builds.
    batch = BATCH if connection.vendor == "postgresql" else max(1, 999 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            params = []
            for row in chunk:
                params += [f(v) if f else v for f, v in zip(row_adapt, row, strict=True)]
                params += shared
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)


def _existing_values(queryset, compare: list[str], *, keys=None) -> dict:
    """``{(partner_id, cooperation_type): (pk, values of compare)}`` without building model instances."""
    out = {}
    for pk, partner_id, cooperation_type, *values in queryset.values_list("pk", "partner_id", "cooperation_type",
                                                                          *compare):
        if keys is None or (partner_id, cooperation_type) in keys:
            out[(partner_id, cooperation_type)] = (pk, tuple(values))
    return out


def _bulk_upsert(model, rows: list, *, fields: list[str], unique: list[str]) -> None:
    """INSERT … ON CONFLICT (unique) DO UPDATE of ``fields`` (+ ``computed_at``): one statement per batch, far
    cheaper than ``bulk_update``'s CASE expressions for thousands of rows."""
    if not rows:
        return
    update_fields = [field.removesuffix("_id") if field.endswith("_id") else field for field in fields]
    if _has_field(model, "computed_at"):
        update_fields.append("computed_at")
    model.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True, unique_fields=unique,
                              update_fields=update_fields)


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


# --- R-D-WARN: monthly warnings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningState:
    """A partner-type's warning in the month, with the day and running total each reached level was first hit."""

    notification_count: int
    level: int
    reached: dict[int, tuple[dt.date, int]]


@transaction.atomic
def monthly_warnings_refresh(
    *, month: dt.date, only: set[tuple[int, str]] | None = None
) -> tuple[dict[tuple[int, str], WarningState], dict[tuple[int, str], dict | None]]:
    """Recompute the month's warning levels from its stored daily notifications (R-D-WARN), upserting rows.

    ``only`` limits the work to those partner-types (all of them when a stored warning was computed with
    another rule set than the month's). Returns the recomputed warning states and, for each partner-type whose
    stored warning changed, its previous ``{"level", "level_reached_on"}`` (None when it had none).
    """
    month = month.replace(day=1)
    rule_set, book = rule_book_in_force(on=month)
    if only is not None and MonthlyWarning.objects.filter(month=month).exclude(rule_set=rule_set).exists():
        only = None
    if only is not None and not only:
        return {}, {}
    thresholds = warning_thresholds(book)
    partner_ids = None if only is None else {partner_id for partner_id, _ in only}
    running = notification_running_totals(
        month=month, thresholds=[minimum for _, minimum in thresholds], partner_ids=partner_ids
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
    compare = ["notification_count", "level", "level_reached_on", "rule_set_id"]
    written = _upsert(
        model=MonthlyWarning,
        desired=desired,
        existing=_existing_values(stored, compare, keys=only),
        fixed={"month": month},
        compare=compare,
        write=[*compare, "items"],
        unique=["partner", "cooperation_type", "month"],
    )
    return states, {
        key: None if old is None else {"level": old[1], "level_reached_on": old[2]}
        for key, old in written["previous"].items()
    }


# --- R-D-WARN / R-D-APPROVAL: penalty proposals --------------------------------------------------------------------


def _level_terms(level: int, book, cache: dict) -> tuple[list, Decimal, str, str]:
    """A level's measures, payout, rule id and measure text, computed once per run."""
    if level not in cache:
        measures, payout = warning_measures(level=level, book=book)
        text = "；".join(f"暂停{RestrictedAction(m['action']).label} {fmt_duration(m['duration'])}" for m in measures)
        cache[level] = (measures, payout, book.rule_id("warning_levels"), text)
    return cache[level]


def _proposal_facts(*, level: int, state: WarningState, book, rule_set, month: dt.date, cache: dict) -> dict:
    """Items are built from JSON-native values only, so they compare equal to what the database gives back."""
    reached_on, running_total = state.reached[level]
    measures, payout, rule, text = _level_terms(level, book, cache)
    detail = (
        f"{month:%Y-%m} 累计通报于 {reached_on:%Y-%m-%d} 达到 {running_total} 次 → {level} 级预警；"
        f"建议：{text}；结算比例 {fmt_points(payout)}%（由结算单执行，R-S-WARN）"
    )
    items = [item(rule, level, detail)]
    return {
        "reached_on": reached_on,
        "notification_count": running_total,
        "measures": measures,
        "payout_percent": money(payout),
        "rule_set_id": rule_set.pk,
        "items": items,
    }


PROPOSAL_KEY = ["partner", "cooperation_type", "month", "level"]
PROPOSAL_FACT_FIELDS = ["reached_on", "notification_count", "measures", "payout_percent", "rule_set_id", "items"]


@transaction.atomic
def penalty_proposals_reconcile(
    *,
    month: dt.date,
    warnings: dict[tuple[int, str], WarningState],
    only: set[tuple[int, str]] | None = None,
    actor=None,
) -> dict[str, int]:
    """Make the month's penalty proposals match its warnings (R-D-WARN, R-D-APPROVAL).

    Per partner-type: one proposal for the highest level reached, created as a draft for the division leader;
    lower-level proposals still pending (and not yet superseded) are superseded by it, so superseded
    proposals form a chain up to the current one. Pending proposals for levels no longer reached are withdrawn.
    An approved proposal whose level is no longer reached, or was reached on another day, makes the job
    refuse: approved penalties are never changed silently.

    ``only`` limits the work to the partner-types whose warning just changed (the daily job passes them:
    warnings and proposals are written in the same transaction, so unchanged warnings have matching proposals).
    """
    month = month.replace(day=1)
    rule_set, book = rule_book_in_force(on=month)
    rule = book.rule_id("warning_levels")
    level_of = {key: state.level for key, state in warnings.items()}
    base = PenaltyProposal.objects.select_for_update().filter(month=month)
    if only is None:
        existing = _proposals_by_key(base, keys=None)
    else:
        partner_ids = {partner_id for partner_id, _ in only}
        # Superseded proposals only matter when the level falls back below them (a correction): load those
        # partner-types whole; otherwise the live (not superseded) proposals are all there is to reconcile.
        existing = _proposals_by_key(base.filter(partner_id__in=partner_ids, superseded_by__isnull=True), keys=only)
        unwind = {
            key for key, proposals in existing.items()
            if any(level > level_of.get(key, 0) and not p.is_approved for level, p in proposals.items())
        }
        if unwind:
            existing.update(_proposals_by_key(base.filter(partner_id__in={pid for pid, _ in unwind}), keys=unwind))

    keys = set(existing) | {key for key, level in level_of.items() if level > 0}
    if only is not None:
        keys &= only
    refused, withdraw, create, update, supersede = [], [], [], [], []
    terms: dict = {}
    for key in sorted(keys):
        state = warnings.get(key) or WarningState(notification_count=0, level=0, reached={})
        proposals = existing.get(key, {})
        for level, proposal in proposals.items():
            reached = state.reached.get(level)
            if proposal.is_approved and (reached is None or reached[0] != proposal.reached_on):
                now = f"{reached[0]:%Y-%m-%d}" if reached else "未达到"
                refused.append((key, f"{level} 级（已审批，达到日 {proposal.reached_on:%Y-%m-%d}，重算后 {now}）"))
        withdrawn = {p.pk for level, p in proposals.items() if level > state.level and not p.is_approved}
        withdraw += [p for p in proposals.values() if p.pk in withdrawn]
        for proposal in proposals.values():
            if proposal.superseded_by_id in withdrawn:
                proposal.superseded_by_id = proposal.superseded_at = None
        if state.level == 0:
            continue
        facts = _proposal_facts(level=state.level, state=state, book=book, rule_set=rule_set, month=month,
                                cache=terms)
        top = proposals.get(state.level)
        if top is None:
            top = PenaltyProposal(partner_id=key[0], cooperation_type=key[1], month=month, level=state.level,
                                  **facts)
            create.append(top)
        elif not top.is_approved and any(getattr(top, field) != facts[field] for field in PROPOSAL_FACT_FIELDS):
            for field, value in facts.items():
                setattr(top, field, value)
            update.append(top)
        for level, proposal in proposals.items():
            if level < state.level and not proposal.is_approved and proposal.superseded_by_id is None:
                supersede.append((proposal, top))
    if refused:
        codes = _partner_codes(key[0] for key, _ in refused)
        raise JobRefused(
            f"{month:%Y-%m} 重算会改变已审批的预警处罚建议，未写入任何结果："
            + "；".join(f"{codes[key[0]]} {_type_label(key[1])} {text}" for key, text in refused)
        )

    _attach_partners([*withdraw, *create, *update, *(proposal for proposal, _ in supersede)])
    now = timezone.now()
    if withdraw:
        withdrawn_ids = [proposal.pk for proposal in withdraw]
        audit_record_many(objs=withdraw, action="withdraw", actor=actor, rule_id=rule,
                          reason="重算后当月累计通报未达到该级别，撤回处罚建议",
                          data=lambda p: {"status": p.status, "level": p.level})
        PenaltyProposal.objects.filter(superseded_by_id__in=withdrawn_ids).update(superseded_by=None,
                                                                                 superseded_at=None)
        PenaltyProposal.objects.filter(pk__in=withdrawn_ids).delete()
    PenaltyProposal.objects.bulk_create(create, batch_size=BATCH)
    if create:
        audit_record_many(objs=create, action="propose", actor=actor, rule_id=rule, to_status=ApprovalStatus.DRAFT,
                          data=lambda p: {"level": p.level, "reached_on": p.reached_on.isoformat()})
    if update:
        _bulk_upsert(PenaltyProposal, update, fields=[*PROPOSAL_FACT_FIELDS, "updated_at"], unique=PROPOSAL_KEY)
        audit_record_many(objs=update, action="recompute", actor=actor, rule_id=rule,
                          data=lambda p: {"reached_on": p.reached_on.isoformat(),
                                          "notification_count": p.notification_count})
    superseded = []
    for proposal, top in supersede:
        proposal.superseded_by_id, proposal.superseded_at = top.pk, now
        superseded.append(proposal)
    if superseded:
        _set_superseded(superseded, at=now)
        # a superseded proposal waiting for the leader leaves the submitted state (returned, with the reason),
        # so nobody is asked to approve what can no longer be approved
        for from_status, group in (
            (ApprovalStatus.SUBMITTED, [p for p in superseded if p.status == ApprovalStatus.SUBMITTED]),
            ("", [p for p in superseded if p.status != ApprovalStatus.SUBMITTED]),
        ):
            if group:
                audit_record_many(
                    objs=group, action="supersede", actor=actor, rule_id=rule,
                    reason="达到更高预警级别，由更高级别的处罚建议取代",
                    from_status=from_status, to_status=ApprovalStatus.RETURNED if from_status else "",
                    data=lambda p: {"superseded_by": p.superseded_by_id},
                )
    return {
        "proposals_created": len(create),
        "proposals_updated": len(update),
        "proposals_superseded": len(superseded),
        "proposals_withdrawn": len(withdraw),
    }


def _set_superseded(proposals: list[PenaltyProposal], *, at) -> None:
    """``superseded_by`` / ``superseded_at`` (and submitted → returned) of many proposals in one ``WITH v AS (VALUES …) UPDATE … FROM v`` per batch
    (PostgreSQL and SQLite ≥ 3.33), instead of re-inserting whole rows."""
    table = connection.ops.quote_name(PenaltyProposal._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(at)
    batch = BATCH if connection.vendor == "postgresql" else 400
    with connection.cursor() as cursor:
        for start in range(0, len(proposals), batch):
            chunk = proposals[start:start + batch]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v (id, top) AS (VALUES {values})"
                f" UPDATE {table} SET superseded_by_id = v.top, superseded_at = %s,"
                f" status = CASE WHEN {table}.status = %s THEN %s ELSE {table}.status END"
                f" FROM v WHERE {table}.id = v.id",
                [*(value for p in chunk for value in (p.pk, p.superseded_by_id)), stamp,
                 ApprovalStatus.SUBMITTED, ApprovalStatus.RETURNED],
            )


def _proposals_by_key(queryset, *, keys) -> dict[tuple[int, str], dict[int, PenaltyProposal]]:
    out: dict[tuple[int, str], dict[int, PenaltyProposal]] = {}
    for proposal in queryset:
        key = (proposal.partner_id, proposal.cooperation_type)
        if keys is None or key in keys:
            out.setdefault(key, {})[proposal.level] = proposal
    return out


def _attach_partners(objs) -> None:
    """Set ``partner`` from one query, so audit rows can name the partner without a query per row."""
    objs = list(objs)
    partners = Partner.objects.in_bulk({obj.partner_id for obj in objs})
    for obj in objs:
        obj.partner = partners[obj.partner_id]


SUSPENSION_START_APPROVAL = "approval_date"
SUSPENSION_START_REACHED = "level_reached_on"


def penalty_proposal_enforce(*, proposal: PenaltyProposal, actor=None) -> list:
    """Register an approved proposal's suspensions as restrictions (``promote``, ``apply_codes``; R-D-WARN).

    [interpretation] The suspensions start on the approval date (Asia/Shanghai) by default: a measure
    cannot have been served before the division leader decided it, and the full period is then served.
    Rule-set parameter ``warning_suspension_start`` = ``level_reached_on`` starts them on the day the
    level was reached instead. Ends are exclusive: start + the level's duration from the warning table.
    """
    book = rule_book_for(proposal.rule_set)
    basis = book.text("warning_suspension_start")
    if basis == SUSPENSION_START_APPROVAL:
        starts_on = timezone.localdate(proposal.approved_at or timezone.now())
    elif basis == SUSPENSION_START_REACHED:
        starts_on = proposal.reached_on
    else:
        raise ValidationError(
            f"warning_suspension_start: 取值须为 {SUSPENSION_START_APPROVAL} 或 {SUSPENSION_START_REACHED}，"
            f"规则集 v{book.version} 中为 {basis!r}"
        )
    restrictions = []
    for measure in proposal.measures:
        label = RestrictedAction(measure["action"]).label
        restrictions.append(restriction_create(
            partner=proposal.partner,
            action=measure["action"],
            starts_on=starts_on,
            ends_on=add_duration(starts_on, measure["duration"]),
            rule_id=measure["rule"],
            source=proposal,
            source_key=f"warning:{measure['action']}",
            reason=(f"{proposal.month:%Y-%m} {proposal.level} 级预警（{proposal.reached_on:%Y-%m-%d} 累计通报 "
                    f"{proposal.notification_count} 次）：暂停{label} {fmt_duration(measure['duration'])}"),
            cooperation_type=proposal.cooperation_type,
            actor=actor,
        ))
    PenaltyProposal.objects.filter(pk=proposal.pk).update(suspension_starts_on=starts_on)
    proposal.suspension_starts_on = starts_on
    rule_set_mark_used(rule_set_id=proposal.rule_set_id)
    return restrictions


# --- R-M-*: monthly assessment ------------------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    "revenue", "complaint_count", "health_ratio", "incubation", "revenue_score", "health_score", "bonus_score",
    "deduction_score", "late_or_quality_count", "upgraded_count", "total", "rule_set_id", "items",
]


def _assessment_values(inputs: AssessmentInputs, result: AssessmentResult, rule_set: RuleSet) -> dict:
    return {
        "revenue": money(inputs.revenue),
        "complaint_count": inputs.complaint_count,
        "health_ratio": result.health_ratio,
        "incubation": result.incubation,
        "revenue_score": money(result.revenue_score),
        "health_score": money(result.health_score),
        "bonus_score": money(result.bonus_score),
        "deduction_score": money(result.deduction_score),
        "late_or_quality_count": inputs.late_or_quality_count,
        "upgraded_count": len(inputs.upgraded_ticket_ids),
        "total": money(result.total),
        "rule_set_id": rule_set.pk,
        "items": result.items,
    }


@transaction.atomic
def monthly_assessment_run(*, month: dt.date, progress: JobProgress | None = None, actor=None) -> dict[str, int]:
    """Assess every partner-type of the month (R-M-*), set-based, and upsert the results.

    Draft and returned results are replaced; approved or submitted results that would change make the job
    refuse (``JobRefused``) with nothing written (R-M-APPROVAL). Upgraded complaints are recorded against the
    assessment that counts them, so none is ever counted twice (R-M-UPGRADE-ONCE).
    """
    month = month.replace(day=1)
    _serialize_runs("scoring.assessment", month)
    rule_set, book = rule_book_in_force(on=month)
    month_inputs = assessment_inputs_for_month(month=month)
    inputs = month_inputs.inputs
    if progress:
        progress.set_total(len(inputs))

    existing = {
        (row.partner_id, row.cooperation_type): row
        for row in MonthlyAssessment.objects.select_for_update().filter(month=month)
    }
    included: dict[int, set[int]] = {}
    for assessment_id, ticket_id in UpgradedComplaintInclusion.objects.filter(
        assessment__month=month
    ).values_list("assessment_id", "ticket_id"):
        included.setdefault(assessment_id, set()).add(ticket_id)

    refused, to_create, to_update = [], [], []
    unchanged = 0
    for done, key in enumerate(sorted(inputs), start=1):
        values = _assessment_values(inputs[key], evaluate_assessment(inputs[key], book), rule_set)
        tickets = {pk for pk, _ in month_inputs.upgraded.get(key, [])}
        row = existing.get(key)
        if row is None:
            to_create.append((MonthlyAssessment(partner_id=key[0], cooperation_type=key[1], month=month, **values),
                              tickets))
        elif all(getattr(row, field) == values[field] for field in ASSESSMENT_FIELDS) and (
            included.get(row.pk, set()) == tickets
        ):
            unchanged += 1
        elif row.status in PROTECTED_STATUSES:
            refused.append((key, row, values))
        else:
            for field, value in values.items():
                setattr(row, field, value)
            to_update.append((row, tickets))
        if progress and (done % 1000 == 0 or done == len(inputs)):
            progress.advance(done - progress.run.done)
    stale = [row for key, row in existing.items() if key not in inputs]
    refused += [(key, row, None) for key, row in existing.items() if key not in inputs and row.status in
                PROTECTED_STATUSES]
    if refused:
        codes = _partner_codes(key[0] for key, _, _ in refused)
        lines = [
            f"{codes[key[0]]} {_type_label(key[1])}（{row.get_status_display()}，总分 {row.total}"
            + (f" → {values['total']}" if values else " → 不再考核") + "）"
            for key, row, values in refused[:20]
        ]
        more = f" 等 {len(refused)} 条" if len(refused) > 20 else ""
        raise JobRefused(
            f"{month:%Y-%m} 月度考核重算会改变已审批或待审批的结果，未写入任何结果：{'；'.join(lines)}{more}。"
            f"待审批的结果请先退回后再重算；已审批的结果不能覆盖。"
        )

    if stale:
        MonthlyAssessment.objects.filter(pk__in=[row.pk for row in stale]).delete()
    changed_ids = [row.pk for row, _ in to_update]
    UpgradedComplaintInclusion.objects.filter(assessment_id__in=changed_ids).delete()
    _bulk_upsert(MonthlyAssessment, [row for row, _ in [*to_create, *to_update]], fields=ASSESSMENT_FIELDS,
                 unique=["partner", "cooperation_type", "month"])
    inclusions = [
        UpgradedComplaintInclusion(ticket_id=ticket_pk, assessment_id=row.pk, month=month)
        for row, tickets in [*to_create, *to_update]
        for ticket_pk in sorted(tickets)
    ]
    UpgradedComplaintInclusion.objects.bulk_create(inclusions, batch_size=BATCH)
    return {
        "assessed": len(inputs),
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "deleted": len(stale),
        "upgraded_complaints_included": len(inclusions),
    }


# --- Jobs: what the management commands and the Celery tasks run --------------------------------------------------


def daily_notifications_job(
    *, day: dt.date, user=None, on_progress=None, refresh_month: bool = False
) -> dict[str, int]:
    with job_run(job="run_daily_notifications", key=day.isoformat(), user=user, on_progress=on_progress) as progress:
        counts = daily_notifications_run(day=day, progress=progress, actor=user, refresh_month=refresh_month)
        progress.run.counts = counts
    return counts


def monthly_assessment_job(*, month: dt.date, user=None, on_progress=None) -> dict[str, int]:
    month = month.replace(day=1)
    with job_run(job="run_monthly_assessment", key=f"{month:%Y-%m}", user=user, on_progress=on_progress) as progress:
        counts = monthly_assessment_run(month=month, progress=progress, actor=user)
        progress.run.counts = counts
    return counts
