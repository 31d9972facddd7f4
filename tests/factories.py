import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from partners.choices import CooperationType, PartnerClass
from partners.models import (
    ComplaintTicket,
    Contract,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    RelatedGroup,
    SubChannel,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345-test")


class RelatedGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedGroup

    name = factory.Sequence(lambda n: f"关联组{n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"合作方{n}")
    partner_class = PartnerClass.ORDINARY


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    partner = factory.SubFactory(PartnerFactory)
    cooperation_type = CooperationType.SALES_CHANNEL
    start_date = dt.date(2024, 1, 1)
    revenue_share = Decimal("0.5000")


class SubChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubChannel

    partner = factory.SubFactory(PartnerFactory)
    code = factory.Sequence(lambda n: f"SC{n:04d}")
    name = factory.Sequence(lambda n: f"子渠道{n}")


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintTicket

    ticket_id = factory.Sequence(lambda n: f"T{n:08d}")
    partner = factory.SubFactory(PartnerFactory)
    cooperation_type = CooperationType.SALES_CHANNEL
    received_on = dt.date(2026, 10, 1)


class MonthlyRevenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyRevenue

    partner = factory.SubFactory(PartnerFactory)
    cooperation_type = CooperationType.SALES_CHANNEL
    month = dt.date(2026, 10, 1)
    phone_bill = Decimal("0")
    third_party = Decimal("0")
    cash = Decimal("0")


class MonthlyContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyContribution

    partner = factory.SubFactory(PartnerFactory)
    cooperation_type = CooperationType.SALES_CHANNEL
    month = dt.date(2026, 10, 1)
    product_category = "digital_album"  # R-K-PRODUCTS: a purchasable category of the default rule set
