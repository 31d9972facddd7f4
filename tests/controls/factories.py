"""Helpers that record control events through the service (the only way they are made)."""

import datetime as dt

from controls.services import control_event_create
from core.approval import approval_approve, approval_submit
from partners.choices import CooperationType

DEFAULT_DAY = dt.date(2026, 10, 5)


def record_event(partner, event_type, *, occurred_on=DEFAULT_DAY, cooperation_type=CooperationType.SALES_CHANNEL,
                 sub_channel=None, province="", actor=None, **extra):
    return control_event_create(
        actor=actor, partner=partner, cooperation_type=cooperation_type, event_type=event_type,
        sub_channel=sub_channel, province=province, occurred_on=occurred_on, **extra,
    )


def approve(obj, *, submitter, approver):
    approval_submit(obj=obj, actor=submitter)
    return approval_approve(obj=obj, actor=approver)


def measure_summary(event) -> list[tuple]:
    """(key, kind, rule, province, starts_on, ends_on, warning_count) for each stored measure, in order."""
    return [
        (m.key, m.kind, m.rule_id, m.province, m.starts_on, m.ends_on, m.warning_count)
        for m in event.measures.order_by("position")
    ]
