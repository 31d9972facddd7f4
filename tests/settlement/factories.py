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
