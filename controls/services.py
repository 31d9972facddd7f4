"""Writes for control events: record, preview, recompute the month, override a measure, approve → restrictions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.rulebook import add_duration
from enforcement.services import restriction_create
from partners.models import Partner
from scoring.choices import DurationUnit
from scoring.selectors import NoRuleSetInForce, rule_book_in_force
from scoring.services import rule_set_mark_used

from .choices import EVENT_RULE_KEYS, ExtraPenaltyBasis, MeasureKind
from .models import ControlEvent, ControlMeasure, ExtraPenalty
from .rules import ControlInputError, EventFacts, MonthContext, Proposal, duration_text, end_after, propose_measures
from .selectors import events_in_month

EDITABLE = {ApprovalStatus.DRAFT, ApprovalStatus.RETURNED}
EVENT_FIELDS = ["partner", "cooperation_type", "event_type", "sub_channel", "province", "occurred_on",
                "measures_start_on", "reference", "description"]


# ---------------------------------------------------------------------------------------------------------------
# Proposals


class _MonthTally:
    """Running counts over a month's events, read from their effective (stored) measures."""

    def __init__(self):
        self.warnings: dict[str, int] = defaultdict(int)
        self.sub_channel_events: dict[int, int] = defaultdict(int)
        self.shutdown_until: dict[int, tuple[dt.date, str]] = {}

    def context_for(self, event: ControlEvent) -> MonthContext:
        until, province = self.shutdown_until.get(event.sub_channel_id, (None, "")) if event.sub_channel_id else (
            None, "")
        return MonthContext(
            warnings_before=self.warnings[event.cooperation_type],
            subchannel_events_before=self.sub_channel_events[event.sub_channel_id] if event.sub_channel_id else 0,
            subchannel_shutdown_until=until,
            subchannel_shutdown_province=province,
        )

    def add(self, event: ControlEvent, measures) -> None:
        for measure in measures:
            if measure.waived:
                continue
            if measure.kind == MeasureKind.BUSINESS_WARNING:
                self.warnings[event.cooperation_type] += measure.warning_count
            elif measure.kind == MeasureKind.SUBCHANNEL_SHUTDOWN and event.sub_channel_id and measure.ends_on:
                current = self.shutdown_until.get(event.sub_channel_id)
                if current is None or measure.ends_on > current[0]:
                    self.shutdown_until[event.sub_channel_id] = (measure.ends_on, measure.province)
        if event.sub_channel_id:
            self.sub_channel_events[event.sub_channel_id] += 1


def _propose(event: ControlEvent, context: MonthContext) -> tuple[Any, Proposal]:
    try:
        rule_set, book = rule_book_in_force(on=event.occurred_on)
    except NoRuleSetInForce as exc:
        raise ValidationError({"occurred_on": str(exc)})
    facts = EventFacts(
        rule_key=EVENT_RULE_KEYS[event.event_type],
        event_label=event.get_event_type_display(),
        measures_start_on=event.effective_start,
        province=event.province,
        has_sub_channel=event.sub_channel_id is not None,
    )
    try:
        return rule_set, propose_measures(book=book, facts=facts, context=context)
    except ControlInputError as exc:
        raise ValidationError({exc.field_name: exc.message})
    except (KeyError, ValueError) as exc:
        raise ValidationError({"event_type": f"规则集 v{rule_set.version} 的管控参数不完整或无效：{exc}"})


def _earlier_tally(event: ControlEvent) -> _MonthTally:
    tally = _MonthTally()
    for other in events_in_month(partner_id=event.partner_id, month=event.occurred_on):
        if other.pk == event.pk:
            continue
        if (other.occurred_on, other.pk) >= (event.occurred_on, event.pk or float("inf")):
            continue
        tally.add(other, other.measures.all())
    return tally


def control_event_preview(*, event: ControlEvent) -> Proposal:
    """The measures an (unsaved or edited) event would get, given the month's other events; writes nothing."""
    _validate_event(event)
    return _propose(event, _earlier_tally(event).context_for(event))[1]


def _snapshot(measure) -> dict:
    return {
        "kind": measure.kind, "rule": measure.rule_id, "scope": measure.scope, "province": measure.province,
        "action": measure.action,
        "starts_on": measure.starts_on.isoformat() if measure.starts_on else None,
        "ends_on": measure.ends_on.isoformat() if measure.ends_on else None,
        "durations": [dict(d) for d in measure.durations], "warning_count": measure.warning_count,
        "detail": measure.detail,
    }


def _automatic_moved(measure: ControlMeasure, now_proposed: dict) -> None:
    """The rule's result for an overridden measure changed on recomputation: keep the override, record it."""
    measure.automatic_moved_at = timezone.now()
    audit_record(obj=measure, action="override_automatic_moved", rule_id=measure.rule_id,
                 reason=f"重新计算后规则结果由“{measure.proposed.get('detail', '')}”变为"
                        f"“{now_proposed.get('detail', '') or '不再给出此措施'}”；按要求的调整继续有效",
                 data={"from": measure.proposed, "to": now_proposed})


MEASURE_STATE = ["kind", "rule_id", "scope", "action", "position", "cooperation_type", "sub_channel_id",
                 "warning_count", "proposed", "starts_on", "ends_on", "province", "durations", "detail",
                 "automatic_moved_at"]


def _store_proposal(event: ControlEvent, rule_set, proposal: Proposal) -> list[ControlMeasure]:
    """Write the proposal, keeping overrides; rows that would not change are not written (no history noise)."""
    existing = {m.key: m for m in event.measures.all()}
    kept: list[ControlMeasure] = []
    for position, proposed in enumerate(proposal.measures):
        measure = existing.pop(proposed.key, None) or ControlMeasure(event=event, key=proposed.key)
        before = [getattr(measure, name) for name in MEASURE_STATE] if measure.pk else None
        measure.kind, measure.rule_id, measure.scope = proposed.kind, proposed.rule_id, proposed.scope
        measure.action, measure.position = proposed.action, position
        measure.cooperation_type = "" if proposed.all_cooperation_types else event.cooperation_type
        measure.sub_channel_id = event.sub_channel_id if proposed.on_sub_channel else None
        measure.warning_count = proposed.warning_count
        if measure.overridden and measure.pk and measure.proposed != _snapshot(proposed):
            _automatic_moved(measure, _snapshot(proposed))
        measure.proposed = _snapshot(proposed)
        measure.starts_on = proposed.starts_on
        if measure.overridden:
            # an override keeps its own durations / province / waiver; only the start follows the event
            measure.ends_on = end_after(proposed.starts_on, measure.durations) if measure.durations else None
        else:
            measure.province, measure.durations = proposed.province, [dict(d) for d in proposed.durations]
            measure.ends_on, measure.detail = proposed.ends_on, proposed.detail
        if before != [getattr(measure, name) for name in MEASURE_STATE]:
            measure.save()
        kept.append(measure)
    for stale in existing.values():
        if stale.overridden:
            # an override is never undone by a recomputation: the rule no longer calls for the measure, the
            # requirement that overrode it stays, and staff see that the rule's result moved (docs/overrides.md)
            if stale.proposed:
                _automatic_moved(stale, {})
                stale.proposed = {}
                stale.save(update_fields=["proposed", "automatic_moved_at"])
            kept.append(stale)
            continue
        stale.delete()
    state = (rule_set.pk, proposal.rule_id, proposal.items, proposal.warnings_after)
    if state != (event.rule_set_id, event.rule_id, event.items, event.warnings_after):
        event.rule_set = rule_set
        event.rule_id, event.items, event.warnings_after = proposal.rule_id, proposal.items, proposal.warnings_after
        event.save(update_fields=["rule_set", "rule_id", "items", "warnings_after", "updated_at"])
    return kept


@transaction.atomic
def control_events_recompute_month(*, partner_id: int, month: dt.date) -> int:
    """Recompute every not-yet-approved event of a partner's month in order; approved events stay as approved."""
    Partner.objects.select_for_update().filter(pk=partner_id).first()  # one recomputation per partner at a time
    tally, recomputed = _MonthTally(), 0
    for event in events_in_month(partner_id=partner_id, month=month):
        measures = list(event.measures.all())
        if event.status != ApprovalStatus.APPROVED:
            rule_set, proposal = _propose(event, tally.context_for(event))
            measures = _store_proposal(event, rule_set, proposal)
            recomputed += 1
        tally.add(event, measures)
    return recomputed


# ---------------------------------------------------------------------------------------------------------------
# Recording events


def _validate_event(event: ControlEvent) -> None:
    errors = {}
    for name in ("partner_id", "cooperation_type", "event_type", "occurred_on"):
        if not getattr(event, name):
            errors[name.removesuffix("_id")] = "必填"
    if event.sub_channel_id and event.partner_id and event.sub_channel.partner_id != event.partner_id:
        errors["sub_channel"] = f"子渠道 {event.sub_channel.code} 不属于合作方 {event.partner.code}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def control_event_create(*, actor=None, **fields) -> ControlEvent:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    event = ControlEvent(**fields, created_by=actor if getattr(actor, "pk", None) else None)
    _validate_event(event)
    _propose(event, _earlier_tally(event).context_for(event))  # refuse before writing when the rule needs more
    event.save()
    control_events_recompute_month(partner_id=event.partner_id, month=event.occurred_on)
    event.refresh_from_db()
    audit_record(obj=event, action="control_event_create", actor=actor, rule_id=event.rule_id,
                 to_status=event.status, data={"items": event.items})
    return event


def _require_editable(event: ControlEvent) -> None:
    if event.status not in EDITABLE:
        raise ValidationError(f"{event} 状态为“{event.get_status_display()}”，只能修改草稿或已退回的事件。",
                              code="not_editable")


@transaction.atomic
def control_event_update(*, event: ControlEvent, actor=None, **fields) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    _require_editable(event)
    before = {name: str(getattr(event, name)) for name in fields}
    old_key = (event.partner_id, event.occurred_on.replace(day=1))
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(event, name, value)
    _validate_event(event)
    _propose(event, _earlier_tally(event).context_for(event))
    event.save()
    for partner_id, month in {(event.partner_id, event.occurred_on.replace(day=1)), old_key}:
        control_events_recompute_month(partner_id=partner_id, month=month)
    event.refresh_from_db()
    audit_record(obj=event, action="control_event_update", actor=actor, rule_id=event.rule_id,
                 data={"from": before, "items": event.items})
    return event


@transaction.atomic
def control_event_delete(*, event: ControlEvent, actor=None, reason: str = "") -> None:
    _require_editable(event)
    partner_id, month = event.partner_id, event.occurred_on
    audit_record(obj=event, action="control_event_delete", actor=actor, reason=reason, rule_id=event.rule_id,
                 data={"items": event.items})
    event.delete()
    control_events_recompute_month(partner_id=partner_id, month=month)


# ---------------------------------------------------------------------------------------------------------------
# Overrides (group / Migu Culture / province requirement)


def _clean_durations(durations) -> list[dict]:
    allowed = set(DurationUnit.values) - {DurationUnit.WORKING_DAYS}
    clean = []
    for i, duration in enumerate(durations or []):
        try:
            value = int(duration["value"])
            unit = duration["unit"]
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"durations": f"第{i + 1}项须为 {{value: 正整数, unit: 单位}}"})
        if value <= 0 or unit not in allowed:
            raise ValidationError({"durations": f"第{i + 1}项：时长须为正数，单位须为 {', '.join(sorted(allowed))}"})
        clean.append({"value": value, "unit": unit})
    return clean


@transaction.atomic
def control_measure_override(
    *,
    measure: ControlMeasure,
    actor,
    source: str,
    requester: str,
    reason: str,
    durations: list[dict] | None = None,
    province: str | None = None,
    waive: bool = False,
) -> ControlMeasure:
    """Apply an explicit requirement of the group, Migu Culture or a province to one measure (audited)."""
    from .choices import OverrideSource

    measure = ControlMeasure.objects.select_for_update().select_related("event").get(pk=measure.pk)
    _require_editable(measure.event)
    errors = {}
    if source not in OverrideSource.values:
        errors["override_source"] = f"须为 {', '.join(OverrideSource.values)} 之一"
    if not requester.strip():
        errors["override_requester"] = "须填写提出要求的单位或人员"
    if not reason.strip():
        errors["override_reason"] = "须填写调整原因"
    if errors:
        raise ValidationError(errors)
    before = _snapshot(measure) | {"waived": measure.waived}
    if durations is not None:
        if measure.kind == MeasureKind.BUSINESS_WARNING:
            raise ValidationError({"durations": "业务警告没有时长；如不执行请选择“不执行”"})
        clean = _clean_durations(durations)
        if not clean:
            raise ValidationError({"durations": "须至少填写一项时长"})
        measure.durations = clean
        measure.ends_on = end_after(measure.starts_on, clean)
    if province is not None and measure.kind != MeasureKind.BUSINESS_WARNING:
        measure.province = province.strip()
    measure.waived = waive
    measure.overridden = True
    measure.override_source, measure.override_requester, measure.override_reason = source, requester, reason
    measure.overridden_by = actor if getattr(actor, "pk", None) else None
    measure.overridden_at = timezone.now()
    what = "不执行" if waive else (duration_text(measure.durations) if measure.durations else "按要求调整")
    source_label = measure.get_override_source_display()
    measure.detail = f"{measure.proposed.get('detail', '')}［按{source_label}要求：{what}］"[:300]
    measure.save()
    audit_record(obj=measure, action="control_measure_override", actor=actor, reason=reason, rule_id=measure.rule_id,
                 data={"from": before, "to": _snapshot(measure) | {"waived": measure.waived}, "source": source,
                       "requester": requester})
    control_events_recompute_month(partner_id=measure.event.partner_id, month=measure.event.occurred_on)
    measure.refresh_from_db()
    return measure


# ---------------------------------------------------------------------------------------------------------------
# Approval → restrictions


def _measure_reason(event: ControlEvent, measure: ControlMeasure) -> str:
    reason = f"{event.occurred_on:%Y-%m-%d}"
    if event.reference:
        reason += f"（{event.reference}）"
    reason += f" {measure.detail}"
    if measure.overridden:
        reason += f"；提出要求：{measure.override_requester}，原因：{measure.override_reason}"
    return reason


def control_event_approval_problems(*, obj: ControlEvent, action: str) -> list[str]:
    """Checked on the locked row before approval: the stored measures must be what the rules give today."""
    if action != "approve":
        return []
    try:
        rule_set, proposal = _propose(obj, _earlier_tally(obj).context_for(obj))
    except ValidationError as exc:
        return exc.messages
    stored = {m.key: m for m in obj.measures.all()}
    current = {p.key: p for p in proposal.measures}
    kept_overrides = {k for k, m in stored.items() if m.overridden and k not in current}  # see _store_proposal
    stale = rule_set.pk != obj.rule_set_id or set(stored) - kept_overrides != set(current) or any(
        not stored[k].overridden and (stored[k].starts_on, stored[k].ends_on, stored[k].province)
        != (p.starts_on, p.ends_on, p.province)
        for k, p in current.items()
    )
    if stale:
        return [f"{obj} 的措施已因同月其他事件或规则集变化而过期，请先“重新计算措施”再审批。"]
    return []


def control_event_approved(*, obj: ControlEvent, actor) -> list:
    """Run inside the approval transaction: register each measure's restriction once, lock the rule set."""
    restrictions = []
    for measure in obj.measures.all():
        if not measure.registers_restriction:
            continue
        restriction = restriction_create(
            partner=obj.partner, action=measure.action, starts_on=measure.starts_on, ends_on=measure.ends_on,
            rule_id=measure.rule_id, source=measure, source_key="measure", reason=_measure_reason(obj, measure),
            cooperation_type=measure.cooperation_type, sub_channel=measure.sub_channel, province=measure.province,
            actor=actor,
        )
        measure.restriction = restriction
        measure.save(update_fields=["restriction"])
        restrictions.append(restriction)
    if obj.rule_set_id:
        rule_set_mark_used(rule_set_id=obj.rule_set_id)
    return restrictions


# ---------------------------------------------------------------------------------------------------------------
# Extra penalties (division leader)

PENALTY_FIELDS = ["partner", "basis", "control_event", "action", "cooperation_type", "sub_channel", "province",
                  "starts_on", "ends_on", "decision_reference", "reason"]


def extra_penalty_validate(penalty: ExtraPenalty) -> None:
    """Field-named errors for a penalty about to be recorded (shared by the service and the admin form)."""
    errors = {}
    if not (penalty.reason or "").strip():
        errors["reason"] = "须填写处罚原因"
    if penalty.starts_on and penalty.ends_on and penalty.ends_on <= penalty.starts_on:
        errors["ends_on"] = f"结束日期 {penalty.ends_on} 须晚于开始日期 {penalty.starts_on}"
    if penalty.sub_channel_id and penalty.sub_channel.partner_id != penalty.partner_id:
        errors["sub_channel"] = f"子渠道 {penalty.sub_channel.code} 不属于合作方 {penalty.partner.code}"
    if penalty.control_event_id and penalty.control_event.partner_id != penalty.partner_id:
        errors["control_event"] = "管控事件不属于该合作方"
    if penalty.basis == ExtraPenaltyBasis.EXTRA_DEDUCTION and penalty.starts_on and not errors:
        try:
            _, book = rule_book_in_force(on=penalty.starts_on)
        except NoRuleSetInForce as exc:
            raise ValidationError({"starts_on": str(exc)})
        minimum = book.duration("extra_deduction_min_suspension")
        if penalty.ends_on and penalty.ends_on < add_duration(penalty.starts_on, minimum):
            errors["ends_on"] = (f"{book.rule_id('extra_deduction_min_suspension')}：业务暂停不少于"
                                 f"{duration_text([minimum])}")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def extra_penalty_create(*, actor=None, **fields) -> ExtraPenalty:
    unknown = set(fields) - set(PENALTY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    penalty = ExtraPenalty(**fields, created_by=actor if getattr(actor, "pk", None) else None)
    extra_penalty_validate(penalty)
    penalty.full_clean(exclude=["status"])
    penalty.save()
    audit_record(obj=penalty, action="extra_penalty_create", actor=actor, rule_id=penalty.basis,
                 reason=penalty.reason)
    return penalty


def extra_penalty_approved(*, obj: ExtraPenalty, actor):
    rule_id = obj.control_event.rule_id if obj.control_event_id and obj.basis == \
        ExtraPenaltyBasis.AD_HOC and obj.control_event.rule_id else obj.basis
    restriction = restriction_create(
        partner=obj.partner, action=obj.action, starts_on=obj.starts_on, ends_on=obj.ends_on,
        rule_id=rule_id, source=obj, source_key="penalty", reason=obj.reason,
        cooperation_type=obj.cooperation_type, sub_channel=obj.sub_channel, province=obj.province,
        actor=actor,
    )
    obj.restriction = restriction
    obj.save(update_fields=["restriction"])
    return restriction
