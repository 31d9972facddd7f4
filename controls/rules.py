"""Pure evaluator for control events (R-C-*, R-D-DUAL): event facts + the month so far + a rule book → measures.

No ORM here. Every duration, scope and count comes from the rule book; this module only combines them.

Readings of RULES.md §3 used here ([interpretation], all durations stay rule-set data):

* Scope "province" needs the event's province; "event" means the event's province when it has one, else national;
  "business" is the event's cooperation type nationwide; "all_business" is every cooperation type of the partner.
* R-C-WARN-ESC warnings are counted per partner **and cooperation type** (the "business"), per calendar month of
  the event date. The event whose warning brings the month's count to N gets the escalation row for N (the last
  row whose ``warnings`` threshold is ≤ N: 3 → 15 days, 4 → 1 month, 5 and more → all business 1 month).
* "Each further control event on the same sub-channel in the month adds 1 month to its shutdown": the 2nd, 3rd …
  event on a sub-channel in a calendar month (any event type) gets an extension measure of
  ``subchannel_repeat_extension`` that starts when the sub-channel's shutdown would otherwise end (the later of
  this event's own shutdown and the earlier shutdowns of the month), so every further event pushes the end out by
  one more month. With no shutdown to extend (no own shutdown row and none earlier in the month) nothing is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.rulebook import RuleBook, add_duration, table_row_for

from .choices import MeasureKind, MeasureScope

ESCALATION_KEY = "warning_escalation"
EXTENSION_KEY = "subchannel_repeat_extension"
ACTIONS_KEY = "control_measure_actions"

UNIT_TEXT = {"days": "天", "working_days": "个工作日", "weeks": "周", "months": "个月", "years": "年"}
SCOPE_KINDS = {MeasureScope.ALL_BUSINESS: MeasureKind.ALL_BUSINESS_SUSPENSION}


class ControlInputError(ValueError):
    """The event lacks something its rule needs (e.g. a province for a provincial scope)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name
        self.message = message


@dataclass(frozen=True)
class EventFacts:
    rule_key: str
    event_label: str
    measures_start_on: dt.date
    province: str = ""
    has_sub_channel: bool = False


@dataclass(frozen=True)
class MonthContext:
    """What happened earlier in the same calendar month (events ordered by date, then entry)."""

    warnings_before: int = 0
    subchannel_events_before: int = 0
    subchannel_shutdown_until: dt.date | None = None
    subchannel_shutdown_province: str = ""


@dataclass(frozen=True)
class ProposedMeasure:
    key: str
    kind: str
    rule_id: str
    scope: str
    province: str = ""
    #: a shut sub-channel promotes nothing, whatever the business; "all business" covers every cooperation type
    all_cooperation_types: bool = False
    on_sub_channel: bool = False
    action: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    durations: tuple[Mapping[str, Any], ...] = ()
    warning_count: int = 0
    detail: str = ""

    def as_item(self) -> dict:
        points = self.warning_count if self.kind == MeasureKind.BUSINESS_WARNING else 0
        return {"rule": self.rule_id, "points": points, "detail": self.detail, "measure": self.key}


@dataclass(frozen=True)
class Proposal:
    rule_id: str
    measures: tuple[ProposedMeasure, ...]
    warnings_after: int
    notes: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def items(self) -> list[dict]:
        return [m.as_item() for m in self.measures] + list(self.notes)


def duration_text(durations) -> str:
    return " + ".join(f"{d['value']}{UNIT_TEXT.get(d['unit'], d['unit'])}" for d in durations)


def end_after(start: dt.date, durations) -> dt.date:
    end = start
    for duration in durations:
        end = add_duration(end, duration)
    return end


def scope_province(scope: str, facts: EventFacts, *, rule_id: str) -> str:
    if scope == MeasureScope.PROVINCE:
        if not facts.province:
            raise ControlInputError("province", f"{rule_id}：{facts.event_label}的措施限于该省，须填写省份")
        return facts.province
    if scope == "event":
        return facts.province
    return ""


def place_text(province: str) -> str:
    return f"{province}省内" if province else "全国"


def measure_actions(book: RuleBook) -> dict[str, str]:
    return {row["measure"]: row["action"] for row in book.rows(ACTIONS_KEY)}


def propose_measures(*, book: RuleBook, facts: EventFacts, context: MonthContext) -> Proposal:
    """The measures one control event calls for, in order; raises ControlInputError naming a missing field."""
    rule_id = book.rule_id(facts.rule_key)
    actions = measure_actions(book)
    start = facts.measures_start_on
    measures: list[ProposedMeasure] = []
    notes: list[dict] = []
    keys: set[str] = set()
    added_warnings = 0
    own_shutdown: ProposedMeasure | None = None

    def unique_key(name: str) -> str:
        key, n = name, 1
        while key in keys:
            n += 1
            key = f"{name}_{n}"
        keys.add(key)
        return key

    for row in book.rows(facts.rule_key):
        kind, scope = row["measure"], row["scope"]
        if kind == MeasureKind.BUSINESS_WARNING:
            count = int(row.get("count") or 1)
            added_warnings += count
            after = context.warnings_before + added_warnings
            measures.append(ProposedMeasure(
                key=unique_key(kind), kind=kind, rule_id=rule_id, scope=MeasureScope.BUSINESS, warning_count=count,
                detail=f"{facts.event_label}：业务警告{count}次（当月该业务第{after}次）",
            ))
            continue
        durations = (row["duration"],)
        province = scope_province(scope, facts, rule_id=rule_id)
        if kind == MeasureKind.SUBCHANNEL_SHUTDOWN:
            if not facts.has_sub_channel:
                raise ControlInputError("sub_channel", f"{rule_id}：{facts.event_label}须关停推广子渠道，须填写子渠道")
            detail = f"{facts.event_label}：推广子渠道{place_text(province)}关停{duration_text(durations)}"
        else:
            kind = SCOPE_KINDS.get(scope, kind)
            what = "合作方全部业务" if kind == MeasureKind.ALL_BUSINESS_SUSPENSION else "该业务"
            detail = f"{facts.event_label}：{what}{place_text(province)}暂停推广{duration_text(durations)}"
        measure = ProposedMeasure(
            key=unique_key(row["measure"]), kind=kind, rule_id=rule_id, scope=scope if scope != "event" else (
                MeasureScope.PROVINCE if province else MeasureScope.NATIONAL),
            province=province, all_cooperation_types=kind != MeasureKind.BUSINESS_SUSPENSION,
            on_sub_channel=kind == MeasureKind.SUBCHANNEL_SHUTDOWN, action=actions.get(kind, ""),
            starts_on=start, ends_on=end_after(start, durations), durations=durations, detail=detail,
        )
        measures.append(measure)
        if kind == MeasureKind.SUBCHANNEL_SHUTDOWN and own_shutdown is None:
            own_shutdown = measure

    warnings_after = context.warnings_before + added_warnings
    if added_warnings:
        escalation_rule = book.rule_id(ESCALATION_KEY)
        row = table_row_for(book.rows(ESCALATION_KEY), "warnings", warnings_after)
        if row is not None:
            all_business = row["scope"] == MeasureScope.ALL_BUSINESS
            kind = MeasureKind.ALL_BUSINESS_SUSPENSION if all_business else MeasureKind.BUSINESS_SUSPENSION
            durations = (row["duration"],)
            what = "合作方全部业务" if all_business else "该业务"
            measures.append(ProposedMeasure(
                key=unique_key("warning_escalation"), kind=kind, rule_id=escalation_rule,
                scope=MeasureScope.ALL_BUSINESS if all_business else MeasureScope.BUSINESS,
                all_cooperation_types=all_business, action=actions.get(kind, ""), starts_on=start,
                ends_on=end_after(start, durations), durations=durations,
                detail=f"当月该业务累计业务警告{warnings_after}次（≥{row['warnings']}次）：{what}全国暂停"
                       f"{duration_text(durations)}",
            ))

    if facts.has_sub_channel and context.subchannel_events_before:
        extension_rule = book.rule_id(EXTENSION_KEY)
        nth = context.subchannel_events_before + 1
        ends = [d for d in (own_shutdown and own_shutdown.ends_on, context.subchannel_shutdown_until) if d]
        if ends:
            ext_start = max([start, *ends])
            if own_shutdown is not None and own_shutdown.ends_on >= (context.subchannel_shutdown_until or start):
                province = own_shutdown.province
            else:
                province = context.subchannel_shutdown_province
            durations = (book.duration(EXTENSION_KEY),)
            measures.append(ProposedMeasure(
                key=unique_key("subchannel_extension"), kind=MeasureKind.SUBCHANNEL_SHUTDOWN, rule_id=extension_rule,
                scope=MeasureScope.PROVINCE if province else MeasureScope.NATIONAL, province=province,
                on_sub_channel=True, all_cooperation_types=True, starts_on=ext_start,
                action=actions.get(MeasureKind.SUBCHANNEL_SHUTDOWN, ""),
                ends_on=end_after(ext_start, durations), durations=durations,
                detail=f"同一子渠道当月第{nth}次被管控：关停期自 {ext_start:%Y-%m-%d} 起延长{duration_text(durations)}",
            ))
        else:
            notes.append({"rule": extension_rule, "points": 0,
                          "detail": f"同一子渠道当月第{nth}次被管控，但当月无可延长的关停期"})

    return Proposal(rule_id=rule_id, measures=tuple(measures), warnings_after=warnings_after, notes=tuple(notes))
