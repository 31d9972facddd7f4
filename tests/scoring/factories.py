"""Factories and bulk helpers for scoring tests (tickets are made in bulk: the rules count dozens of them)."""

import datetime as dt
import itertools
from decimal import Decimal

from partners.choices import ComplaintCategory, CooperationType
from partners.models import ComplaintTicket, MonthlyContribution, MonthlyRevenue

_ticket_numbers = itertools.count(1)

SALES = CooperationType.SALES_CHANNEL
JOINT = CooperationType.JOINT_MEMBERSHIP


def make_tickets(
    partner,
    day: dt.date,
    count: int,
    *,
    cooperation_type: str = SALES,
    category: str = ComplaintCategory.UNKNOWING_SUBSCRIPTION,
    handled_late: bool = False,
    quality_failed: bool = False,
    upgraded_on: dt.date | None = None,
) -> list[ComplaintTicket]:
    return ComplaintTicket.objects.bulk_create(
        ComplaintTicket(
            ticket_id=f"S{next(_ticket_numbers):09d}",
            partner=partner,
            cooperation_type=cooperation_type,
            received_on=day,
            category=category,
            handled_late=handled_late,
            quality_failed=quality_failed,
            upgraded_on=upgraded_on,
        )
        for _ in range(count)
    )


def set_revenue(partner, month: dt.date, total, *, cooperation_type: str = SALES) -> MonthlyRevenue:
    """Revenue of the month split over the three sources (the assessment adds them up)."""
    total = Decimal(str(total))
    phone_bill = (total / 2).quantize(Decimal("0.01"))
    third_party = (total / 4).quantize(Decimal("0.01"))
    revenue, _ = MonthlyRevenue.objects.update_or_create(
        partner=partner, cooperation_type=cooperation_type, month=month,
        defaults={"phone_bill": phone_bill, "third_party": third_party, "cash": total - phone_bill - third_party},
    )
    return revenue


def set_contribution(partner, month: dt.date, *, cooperation_type: str = SALES, **values) -> MonthlyContribution:
    contribution, _ = MonthlyContribution.objects.update_or_create(
        partner=partner, cooperation_type=cooperation_type, month=month, defaults=values
    )
    return contribution
