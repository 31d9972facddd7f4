import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from core.choices import ApprovalStatus
from core.months import month_end
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.selectors import actions_covering

from .models import SettlementStatement

# -- the warning factor comes from the scoring core (R-D-WARN levels, R-S-WARN payout percent) ---------------------


def warning_levels_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """Highest warning level reached in the month per (partner id, cooperation type); absent means level 0."""
    from scoring.selectors import warning_levels_for_month as levels

    return levels(month=month)


def warning_payout_percent(*, level: int, month: dt.date) -> Decimal:
    """Settlement payout percent for a warning level (100 for level 0)."""
    from scoring.selectors import warning_payout_percent as percent

    return percent(level=level, month=month)


# -- restrictions that touch settlement --------------------------------------------------------------------------


def settlement_restrictions_in_month(*, month: dt.date) -> QuerySet[Restriction]:
    """Restrictions forbidding settlement (or everything) in force on at least one day of the month."""
    first, last = month.replace(day=1), month_end(month)
    return (
        Restriction.objects.filter(action__in=actions_covering(RestrictedAction.SETTLEMENT), starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first))
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=first))
        .order_by("starts_on", "id")
    )


# -- reads for the API, admin and the partner page ---------------------------------------------------------------


def statements_for_api() -> QuerySet[SettlementStatement]:
    return SettlementStatement.objects.select_related("partner", "contract", "rule_set")


def partner_settlement_overview(*, partner) -> dict:
    latest_ids = []
    seen = set()
    for statement_id, contract_id in (
        SettlementStatement.objects.filter(partner=partner).order_by("contract_id", "-month").values_list(
            "id", "contract_id")
    ):
        if contract_id not in seen:
            seen.add(contract_id)
            latest_ids.append(statement_id)
    latest = list(SettlementStatement.objects.filter(id__in=latest_ids).select_related("contract", "partner")
                  .order_by("contract_id"))
    return {
        "latest_statements": latest,
        "held_total": sum((s.held_balance for s in latest), Decimal("0.00")),
        "carried_total": sum((s.carried_forward for s in latest), Decimal("0.00")),
        "pending_statements": SettlementStatement.objects.filter(partner=partner)
        .exclude(status=ApprovalStatus.APPROVED).count(),
    }


MONEY_TOTAL_FIELDS = ["revenue", "payable", "settled", "extra_deductions", "write_downs", "adjustments",
                      "brought_forward", "offsets", "released", "held_balance", "stopped_amount", "amount_due",
                      "carried_forward"]


def statement_totals(queryset: QuerySet[SettlementStatement]) -> dict[str, Decimal]:
    """Sums of the money columns (exact: every stored amount is already rounded to the fen)."""
    totals = queryset.order_by().aggregate(**{name: Sum(name) for name in MONEY_TOTAL_FIELDS})
    return {name: totals[name] or Decimal("0.00") for name in MONEY_TOTAL_FIELDS}
