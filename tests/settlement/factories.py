import datetime as dt
from decimal import Decimal

import factory

from core.choices import ApprovalStatus
from partners.choices import CooperationType
from scoring.models import RuleSet
from settlement.models import SettlementStatement
from tests.factories import ContractFactory


class SettlementStatementFactory(factory.django.DjangoModelFactory):
    """A statement row as the run would store it (for API and export tests; the run itself is tested directly)."""

    class Meta:
        model = SettlementStatement

    contract = factory.SubFactory(ContractFactory)
    partner = factory.SelfAttribute("contract.partner")
    cooperation_type = CooperationType.SALES_CHANNEL
    month = dt.date(2026, 10, 1)
    rule_set = factory.LazyFunction(lambda: RuleSet.objects.get(version=1))
    revenue = Decimal("1000.00")
    revenue_share = Decimal("0.5000")
    payable = Decimal("500.00")
    settled = Decimal("500.00")
    balance = Decimal("500.00")
    amount_due = Decimal("500.00")
    items = factory.LazyFunction(lambda: [{"rule": "R-S-BASE", "points": "500.00", "detail": "信息费收入 × 分成比例"}])
    status = ApprovalStatus.APPROVED


# --- helpers for the monthly run ------------------------------------------------------------------------------------

OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def set_revenue(contract, month, total):
    """The month's revenue for the contract's partner and type, split over the three sources."""
    from partners.models import MonthlyRevenue

    total = Decimal(str(total))
    phone_bill = (total / 3).quantize(Decimal("0.01"))
    MonthlyRevenue.objects.update_or_create(
        partner=contract.partner, cooperation_type=contract.cooperation_type, month=month,
        defaults={"phone_bill": phone_bill, "third_party": Decimal("0"), "cash": total - phone_bill},
    )


def restrict_settlement(partner, starts_on, ends_on=None, *, rule_id="R-K-RANGE", action="settlement",
                        cooperation_type="", key="hold"):
    from enforcement.services import restriction_create

    return restriction_create(
        partner=partner, action=action, starts_on=starts_on, ends_on=ends_on, rule_id=rule_id, source=partner,
        source_key=key, reason="测试", cooperation_type=cooperation_type,
    )


def run(month):
    from settlement.services import settlement_run

    return settlement_run(month=month)


def statement_of(contract, month):
    return SettlementStatement.objects.get(contract=contract, month=month)
