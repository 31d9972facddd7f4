"""R-D-WARN / R-D-APPROVAL: penalty proposals for the warning levels reached, and their enforcement on approval."""

import datetime as dt
import json
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_record_many
from core.bulk import BATCH, bulk_upsert
from core.choices import ApprovalStatus
from core.jobs import JobRefused
from core.models import AuditEvent
from core.rulebook import add_duration, breakdown_item, fmt_points, money, points_value
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from partners.models import Partner

from ..models import (
    PenaltyProposal,
)
from ..rules import (
    fmt_duration,
    warning_measures,
)
from ..selectors import (
    proposal_effective_measures,
    rule_book_for,
    rule_book_in_force,
)
from .refusals import _partner_codes, _type_label
from .rule_sets import rule_set_mark_used
from .warnings import WarningState

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
    items = [breakdown_item(rule, points_value(level), detail)]
    return {
        "reached_on": reached_on,
        "notification_count": running_total,
        "measures": measures,
        "payout_percent": money(payout),
        "rule_set_id": rule_set.pk,
        "items": items,
    }


SUPERSEDE_REASON = "达到更高预警级别，由更高级别的处罚建议取代"
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
        bulk_upsert(PenaltyProposal, update, fields=[*PROPOSAL_FACT_FIELDS, "updated_at"], unique=PROPOSAL_KEY)
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
                    reason=SUPERSEDE_REASON,
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
    """``superseded_by`` / ``superseded_at`` (and submitted → returned) of many proposals in one
    ``WITH v AS (VALUES …) UPDATE … FROM v`` per batch (PostgreSQL and SQLite ≥ 3.33), instead of re-inserting
    whole rows."""
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


def penalty_proposal_approval_problems(*, obj: PenaltyProposal, action: str) -> list[str]:
    """A proposal superseded by a higher level's cannot be submitted or approved."""
    if action in ("submit", "approve") and obj.is_superseded:
        return [f"{obj} 已被更高级别的处罚建议取代，不能提交或审批。"]
    return []


def penalty_proposal_approved(*, obj: PenaltyProposal, actor=None) -> list:
    """Register an approved proposal's suspensions as restrictions (``promote``, ``apply_codes``; R-D-WARN).

    [interpretation] The suspensions start on the approval date (Asia/Shanghai) by default: a measure
    cannot have been served before the division leader decided it, and the full period is then served.
    Rule-set parameter ``warning_suspension_start`` = ``level_reached_on`` starts them on the day the
    level was reached instead. Ends are exclusive: start + the level's duration from the warning table.
    """
    book = rule_book_for(obj.rule_set)
    basis = book.text("warning_suspension_start")
    if basis == SUSPENSION_START_APPROVAL:
        starts_on = timezone.localdate(obj.approved_at or timezone.now())
    elif basis == SUSPENSION_START_REACHED:
        starts_on = obj.reached_on
    else:
        raise ValidationError(
            f"warning_suspension_start: 取值须为 {SUSPENSION_START_APPROVAL} 或 {SUSPENSION_START_REACHED}，"
            f"规则集 v{book.version} 中为 {basis!r}"
        )
    restrictions = []
    for measure in proposal_effective_measures(proposal=obj):  # an override in force wins (overrides.md)
        label = RestrictedAction(measure["action"]).label
        restrictions.append(restriction_create(
            partner=obj.partner,
            action=measure["action"],
            starts_on=starts_on,
            ends_on=add_duration(starts_on, measure["duration"]),
            rule_id=measure["rule"],
            source=obj,
            source_key=f"warning:{measure['action']}",
            reason=(f"{obj.month:%Y-%m} {obj.level} 级预警（{obj.reached_on:%Y-%m-%d} 累计通报 "
                    f"{obj.notification_count} 次）：暂停{label} {fmt_duration(measure['duration'])}"),
            cooperation_type=obj.cooperation_type,
            actor=actor,
        ))
    PenaltyProposal.objects.filter(pk=obj.pk).update(suspension_starts_on=starts_on)
    obj.suspension_starts_on = starts_on
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    return restrictions


# partner-types per chain statement: each chain step carries its breakdown and measures as JSON, and the driver
# builds the statement's whole text with every array at once
CHAIN_BATCH = BATCH // 4


def penalty_proposal_chains_insert_sql(
    *, month: dt.date, chains: dict[tuple[int, str], list[WarningState]], actor=None
) -> dict[str, int]:
    """PostgreSQL: the proposals of partner-types that have none in the month yet, each chain (one state per day a
    new highest level was reached, ascending) written with its audit rows in one statement per ``BATCH``
    partner-types — the rows
    ``penalty_proposals_reconcile`` leaves after being called for each of those states in order (parity tested):
    a draft per state, each superseded by the next (``supersede``), a ``propose`` audit row for every one.

    Facts and breakdowns come from ``_proposal_facts``; the ids are drawn from the table's sequence first, so the
    ``superseded_by`` links and the audit rows' object ids are set by the same ``INSERT … SELECT``.
    """
    month = month.replace(day=1)
    rule_set, book = rule_book_in_force(on=month)
    terms: dict = {}
    keys = sorted(chains)
    totals = {"proposals_created": 0, "proposals_superseded": 0}
    # one statement per CHAIN_BATCH partner-types: the arrays and the statement text stay the size of a batch. Ids
    # are drawn in the same (partner-type, step) order as one statement over all of them would draw them.
    for start in range(0, len(keys), CHAIN_BATCH):
        counts = _chains_insert(month=month, chains={key: chains[key] for key in keys[start:start + CHAIN_BATCH]},
                                rule_set=rule_set, book=book, terms=terms, actor=actor)
        for name in totals:
            totals[name] += counts[name]
    return totals


def _chains_insert(*, month: dt.date, chains: dict[tuple[int, str], list[WarningState]], rule_set, book, terms: dict,
                   actor) -> dict[str, int]:
    rule = book.rule_id("warning_levels")
    columns: dict[str, list] = {name: [] for name in (
        "partner", "type", "label", "level", "reached", "count", "measures", "payout", "items", "step")}
    for key in sorted(chains):
        for step, state in enumerate(chains[key]):
            facts = _proposal_facts(level=state.level, state=state, book=book, rule_set=rule_set, month=month,
                                    cache=terms)
            for name, value in (("partner", key[0]), ("type", key[1]), ("label", _type_label(key[1])),
                                ("level", state.level), ("reached", facts["reached_on"]),
                                ("count", facts["notification_count"]),
                                ("measures", json.dumps(facts["measures"], cls=DjangoJSONEncoder)),
                                ("payout", facts["payout_percent"]),
                                ("items", json.dumps(facts["items"], cls=DjangoJSONEncoder)), ("step", step)):
                columns[name].append(value)
    if not columns["partner"]:
        return {"proposals_created": 0, "proposals_superseded": 0}
    table, audit = PenaltyProposal._meta.db_table, AuditEvent._meta.db_table
    sql = f"""
        WITH chain AS MATERIALIZED (
            SELECT c.*, nextval(pg_get_serial_sequence('{table}', 'id')) AS id
            FROM unnest(%(partner)s::bigint[], %(type)s::text[], %(label)s::text[], %(level)s::int[],
                        %(reached)s::date[], %(count)s::int[], %(measures)s::jsonb[], %(payout)s::numeric[],
                        %(items)s::jsonb[], %(step)s::int[])
                 AS c (partner_id, cooperation_type, label, level, reached_on, notification_count, measures,
                       payout_percent, items, step)
        ), linked AS (
            SELECT chain.*, lead(id) OVER (PARTITION BY partner_id, cooperation_type ORDER BY step) AS next_id
            FROM chain
        ), inserted AS (
            INSERT INTO {table} (id, status, partner_id, cooperation_type, month, level, reached_on,
                                 notification_count, measures, payout_percent, rule_set_id, items,
                                 superseded_by_id, superseded_at, created_at, updated_at)
            SELECT id, %(draft)s, partner_id, cooperation_type, %(month)s, level, reached_on, notification_count,
                   measures, payout_percent, %(rule_set)s, items, next_id,
                   CASE WHEN next_id IS NOT NULL THEN %(now)s::timestamptz END, %(now)s, %(now)s
            FROM linked
            RETURNING id
        ), audited AS (
            INSERT INTO {audit} (content_type_id, object_id, object_repr, action, actor_id, reason, rule_id,
                                 from_status, to_status, data, at)
            SELECT %(content_type)s, linked.id::text,
                   left(p.code || ' ' || p.name || ' · ' || linked.label || ' · ' || %(month_text)s
                        || ' · 预警' || linked.level || '级处罚建议', 300),
                   event.action, %(actor)s, event.reason, %(rule)s, '', event.to_status, event.data, %(now)s
            FROM linked JOIN partners_partner p ON p.id = linked.partner_id
            CROSS JOIN LATERAL (
                SELECT 'propose' AS action, '' AS reason, %(draft)s AS to_status,
                       jsonb_build_object('level', linked.level, 'reached_on', to_char(linked.reached_on,
                                                                                     'YYYY-MM-DD')) AS data
                UNION ALL
                SELECT 'supersede', %(supersede_reason)s, '', jsonb_build_object('superseded_by', linked.next_id)
                WHERE linked.next_id IS NOT NULL
            ) event
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM linked WHERE next_id IS NOT NULL),
               (SELECT count(*) FROM audited)
    """
    params = {
        **columns, "draft": ApprovalStatus.DRAFT, "month": month, "month_text": f"{month:%Y-%m}",
        "rule_set": rule_set.pk, "now": timezone.now(), "rule": rule, "actor": getattr(actor, "pk", None),
        "content_type": ContentType.objects.get_for_model(PenaltyProposal, for_concrete_model=False).pk,
        "supersede_reason": SUPERSEDE_REASON,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created, superseded, _ = cursor.fetchone()
    return {"proposals_created": created, "proposals_superseded": superseded}
