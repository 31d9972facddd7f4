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


def default_rule_set():
    from scoring.models import RuleSet

    return RuleSet.objects.get(version=1)


def make_notification(partner, *, day=dt.date(2026, 10, 1), complaint_count=25, notifications=1, **extra):
    from scoring.models import DailyNotification

    return DailyNotification.objects.create(
        partner=partner, cooperation_type=extra.pop("cooperation_type", SALES), date=day,
        complaint_count=complaint_count, notifications=notifications, rule_set=default_rule_set(), **extra,
    )


def make_warning(partner, *, month=dt.date(2026, 10, 1), notification_count=5, level=1, **extra):
    from scoring.models import MonthlyWarning

    return MonthlyWarning.objects.create(
        partner=partner, cooperation_type=extra.pop("cooperation_type", SALES), month=month,
        notification_count=notification_count, level=level,
        level_reached_on=extra.pop("level_reached_on", {"1": "2026-10-05"} if level else {}),
        rule_set=default_rule_set(), **extra,
    )


def make_assessment(partner, *, month=dt.date(2026, 10, 1), status="draft", total=Decimal("80"), **extra):
    from scoring.models import MonthlyAssessment

    return MonthlyAssessment.objects.create(
        partner=partner, cooperation_type=extra.pop("cooperation_type", SALES), month=month, status=status,
        total=total, rule_set=default_rule_set(),
        items=extra.pop("items", [{"rule": "R-M-REV", "points": 50, "detail": "测试"}]), **extra,
    )


def make_proposal(partner, *, month=dt.date(2026, 10, 1), level=1, status="draft", **extra):
    from scoring.models import PenaltyProposal

    return PenaltyProposal.objects.create(
        partner=partner, cooperation_type=extra.pop("cooperation_type", SALES), month=month, level=level,
        reached_on=extra.pop("reached_on", dt.date(2026, 10, 5)), notification_count=extra.pop("notification_count", 5),
        measures=extra.pop("measures", [
            {"action": "promote", "duration": {"value": 1, "unit": "weeks"}, "rule": "R-D-WARN"},
            {"action": "apply_codes", "duration": {"value": 1, "unit": "months"}, "rule": "R-D-WARN"},
        ]),
        payout_percent=extra.pop("payout_percent", Decimal("75")), status=status, rule_set=default_rule_set(), **extra,
    )
