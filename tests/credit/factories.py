import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from credit.choices import EvidenceChannel, MajorViolationCategory
from credit.models import (
    CalendarOverride,
    CompanyImportanceEvidence,
    MajorViolation,
    ManualItemScore,
    MonthlyCreditScore,
)
from scoring.models import RuleSet
from tests.factories import PartnerFactory


class MonthlyCreditScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyCreditScore

    partner = factory.SubFactory(PartnerFactory)
    month = dt.date(2026, 10, 1)
    weight_profile = "ordinary"
    monthly_score = Decimal("850.00")
    score = Decimal("850.00")
    grade = "A"
    items = factory.LazyFunction(list)
    months = factory.LazyFunction(list)
    rule_set = factory.LazyFunction(lambda: RuleSet.objects.get(version=1))
    computed_at = factory.LazyFunction(timezone.now)


class MajorViolationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MajorViolation

    partner = factory.SubFactory(PartnerFactory)
    category = MajorViolationCategory.ILLEGAL_CONTENT
    occurred_on = dt.date(2026, 10, 8)
    description = "利用计费点传播违法内容"
    evidence = "通报文件 2026-101"
    decision = "终止合作"


class CompanyImportanceEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyImportanceEvidence

    partner = factory.SubFactory(PartnerFactory)
    category = "national_media_portal"
    description = "国家级媒体门户"
    evidence = "批文 2026-01"
    channel = EvidenceChannel.STAFF


class ManualItemScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualItemScore

    partner = factory.SubFactory(PartnerFactory)
    month = dt.date(2026, 10, 1)
    item = "base_standard"
    points = Decimal("80")


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    day = dt.date(2027, 1, 1)
    kind = "holiday"
    name = "元旦"
