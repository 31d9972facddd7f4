import datetime as dt
from decimal import Decimal

import factory

from codes.choices import CodeCategory, CodeKind, CodeStatus, GrantBasis, OwnerKind, ProposalAction, ProposalTrigger
from codes.models import BusinessCode, CodeMonthlyStat, CodeRecyclingProposal, InternalUnit
from core.choices import ApprovalStatus
from scoring.models import RuleSet
from tests.factories import ContractFactory


class InternalUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternalUnit

    name = factory.Sequence(lambda n: f"内部单位{n}")
    kind = "provincial_company"
    receiving_department = "省公司运营部"


class BusinessCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCode

    code = factory.Sequence(lambda n: f"BC{n:06d}")
    name = factory.Sequence(lambda n: f"代码{n}")
    kind = CodeKind.MONTHLY
    category = CodeCategory.CHANNEL_EXCLUSIVE
    owner_kind = OwnerKind.PARTNER
    contract = factory.SubFactory(ContractFactory)
    partner = factory.LazyAttribute(lambda o: o.contract.partner)
    cp = "某内容提供方"
    price = Decimal("10.00")
    status = CodeStatus.ACTIVE
    effective_date = dt.date(2024, 1, 1)
    grant_basis = GrantBasis.FIRST_BATCH


class InternalCodeFactory(BusinessCodeFactory):
    owner_kind = OwnerKind.INTERNAL
    contract = None
    partner = None
    internal_unit = factory.SubFactory(InternalUnitFactory)
    grant_basis = GrantBasis.INTERNAL


class CodeMonthlyStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeMonthlyStat

    code = factory.SubFactory(BusinessCodeFactory)
    month = dt.date(2026, 9, 1)
    users = 0
    orders = 0


class CodeRecyclingProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeRecyclingProposal

    code = factory.SubFactory(BusinessCodeFactory)
    trigger = ProposalTrigger.MANUAL
    trigger_key = factory.Sequence(lambda n: f"k{n}")
    action = ProposalAction.RECYCLE
    rule_id = "R-B-CHANGE"
    rule_set = factory.LazyFunction(lambda: RuleSet.objects.get(version=1))
    status = ApprovalStatus.APPROVED
