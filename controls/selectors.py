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
        Prefetch("measures", queryset=ControlMeasure.objects.select_related("sub_channel", "overridden_by")
                 .order_by("position", "id"))
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

