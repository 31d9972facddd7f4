"""Reads about one partner across the apps (the admin partner page)."""

import datetime as dt

from controls.selectors import pending_control_events, pending_extra_penalties
from enforcement.models import Restriction
from enforcement.selectors import restriction_reason, restrictions_in_force
from settlement.selectors import partner_settlement_overview


def partner_overview(*, partner, on: dt.date) -> dict:
    """Everything active against a partner on a day: restrictions in force or scheduled, pending control events and
    extra penalties, and the settlement amounts held or carried forward (for the admin partner page)."""
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
