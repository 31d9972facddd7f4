import datetime as dt

from django.db.models import Prefetch, QuerySet

from core.choices import ApprovalStatus
from core.months import month_end

from .models import ControlEvent, ControlMeasure, ExtraPenalty


def events_in_month(*, partner_id: int, month: dt.date) -> list[ControlEvent]:
    """A partner's control events of one calendar month in the order they count (date, then entry)."""
    first = month.replace(day=1)
    return list(
        ControlEvent.objects.filter(partner_id=partner_id, occurred_on__gte=first, occurred_on__lte=month_end(first))
        .select_related("partner", "sub_channel")
        .prefetch_related(Prefetch("measures", queryset=ControlMeasure.objects.order_by("position", "id")))
        .order_by("occurred_on", "id")
    )


def control_events_for_api() -> QuerySet[ControlEvent]:
    return ControlEvent.objects.select_related("partner", "sub_channel", "rule_set").prefetch_related(
        Prefetch("measures", queryset=ControlMeasure.objects.select_related("sub_channel").order_by("position", "id"))
    )


def pending_control_events(*, partner) -> QuerySet[ControlEvent]:
    return (
        ControlEvent.objects.filter(partner=partner)
        .exclude(status=ApprovalStatus.APPROVED)
        .select_related("sub_channel")
        .prefetch_related("measures")
        .order_by("occurred_on", "id")
    )


def pending_extra_penalties(*, partner) -> QuerySet[ExtraPenalty]:
    return ExtraPenalty.objects.filter(partner=partner).exclude(status=ApprovalStatus.APPROVED).order_by("starts_on")


def partner_overview(*, partner, on: dt.date) -> dict:
    """Everything active against a partner on a day: restrictions in force or scheduled, pending control events and
    extra penalties, and the settlement amounts held or carried forward (for the admin partner page)."""
    from enforcement.models import Restriction
    from enforcement.selectors import restriction_reason, restrictions_in_force
    from settlement.selectors import partner_settlement_overview

    in_force = list(restrictions_in_force(on=on, partner=partner).order_by("action", "starts_on", "id"))
    scheduled = list(
        Restriction.objects.filter(partner=partner, starts_on__gt=on, lifted_on__isnull=True)
        .select_related("sub_channel")
        .order_by("starts_on", "id")
    )
    return {
        "on": on,
        "restrictions_in_force": [(r, restriction_reason(r)) for r in in_force],
        "restrictions_scheduled": [(r, restriction_reason(r)) for r in scheduled],
        "pending_events": list(pending_control_events(partner=partner)),
        "pending_penalties": list(pending_extra_penalties(partner=partner)),
        **partner_settlement_overview(partner=partner),
    }
