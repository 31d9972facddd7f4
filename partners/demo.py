"""A deterministic demo dataset: the same partners, contracts and tickets every time (seeded random)."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.months import add_months, month_end

from .choices import ComplaintCategory, CooperationType, IncubationBasis, PartnerClass
from .models import (
    ComplaintTicket,
    Contract,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    RelatedGroup,
    SubChannel,
)

PROVINCES = ["广东", "江苏", "浙江", "山东", "河南", "四川", "湖北", "北京", "上海", "福建"]
NAME_PARTS = ["星河", "乐声", "云听", "悦动", "知音", "蓝鲸", "天籁", "橙子", "极光", "回声", "青柠", "鹿鸣", "拾光"]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


@transaction.atomic
def demo_seed(*, partner_count: int = 50, months: int = 4, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(20201001)
    today = today or timezone.localdate()
    first_month = add_months(today.replace(day=1), -months)
    month_list = [add_months(first_month, i) for i in range(months)]

    groups = {}
    for name in ("星河传媒集团", "悦动控股"):
        groups[name], _ = RelatedGroup.objects.get_or_create(name=name)

    partner_rows = []
    for i in range(1, partner_count + 1):
        group = None
        if i % 12 == 0:
            group = groups["星河传媒集团"]
        elif i % 17 == 0:
            group = groups["悦动控股"]
        partner_rows.append(
            Partner(
                code=f"DEMO{i:03d}",
                name=f"{NAME_PARTS[i % len(NAME_PARTS)]}{NAME_PARTS[(i * 7) % len(NAME_PARTS)]}科技有限公司{i}",
                partner_class=PartnerClass.CORE if i % 5 == 0 else PartnerClass.ORDINARY,
                related_group=group,
            )
        )
    Partner.objects.bulk_create(
        partner_rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "partner_class", "related_group"],
    )
    partners = list(Partner.objects.filter(code__startswith="DEMO").order_by("code")[:partner_count])

    contracts, sub_channels, revenues, contributions, tickets = [], [], [], [], []
    pairs = []
    for index, partner in enumerate(partners, start=1):
        types = [CooperationType.SALES_CHANNEL]
        if index % 3 == 0:
            types.append(CooperationType.JOINT_MEMBERSHIP)
        for cooperation_type in types:
            incubating = index % 7 == 0  # recently introduced: inside the first six months
            start = add_months(first_month, -2) if incubating else dt.date(2023 + index % 3, 1 + index % 12, 1)
            contracts.append(
                Contract(
                    partner=partner,
                    cooperation_type=cooperation_type,
                    start_date=start,
                    revenue_share=Decimal(rng.choice(["0.4000", "0.4500", "0.5000", "0.5500", "0.6000"])),
                    incubation=incubating,
                    incubation_basis=IncubationBasis.FIRST_TIME if incubating else IncubationBasis.NONE,
                )
            )
            pairs.append((partner, cooperation_type))
        for n in range(1, 1 + index % 3 + 1):
            sub_channels.append(SubChannel(partner=partner, code=f"{partner.code}-SC{n}", name=f"{partner.name}APP{n}"))

    Contract.objects.bulk_create(contracts, ignore_conflicts=True)
    SubChannel.objects.bulk_create(sub_channels, ignore_conflicts=True)

    burst_pairs = {pairs[i] for i in range(0, len(pairs), 9)}
    for partner, cooperation_type in pairs:
        scale = rng.choice([30_000, 150_000, 600_000, 1_500_000, 3_500_000])
        # complaints per 10,000 元 of revenue, so health scores spread across the brackets
        complaints_per_10k = rng.choice([0.3, 0.8, 1.5, 2.5, 3.5, 4.5, 6.0])
        daily_mean = complaints_per_10k * scale * 0.75 / 10_000 / 30
        for month in month_list:
            revenues.append(
                MonthlyRevenue(
                    partner=partner, cooperation_type=cooperation_type, month=month,
                    phone_bill=_money(rng, scale // 2, scale), third_party=_money(rng, 0, scale // 4),
                    cash=_money(rng, 0, scale // 10),
                )
            )
            contributions.append(
                MonthlyContribution(
                    partner=partner, cooperation_type=cooperation_type, month=month,
                    marketing_resources=rng.random() < 0.2,
                    marketing_includes_client_promotion=rng.random() < 0.1,
                    cash_contribution=_money(rng, 0, 300_000) if rng.random() < 0.4 else Decimal("0"),
                    ad_sales=_money(rng, 0, 200_000) if cooperation_type == CooperationType.SALES_CHANNEL
                    and rng.random() < 0.2 else Decimal("0"),
                    active_users=rng.choice([0, 0, 50_000, 120_000, 450_000, 1_100_000]),
                    product_purchases=_money(rng, 0, 400_000) if rng.random() < 0.3 else Decimal("0"),
                    product_category="own_membership",
                    ads_placed=_money(rng, 0, 100_000) if rng.random() < 0.2 else Decimal("0"),
                )
            )
            day = month
            while day <= month_end(month):
                count = int(daily_mean * rng.uniform(0.4, 1.6) + rng.random())
                if (partner, cooperation_type) in burst_pairs and rng.random() < 0.15:
                    count = rng.randint(25, 60)  # a complaint burst that triggers notifications
                for n in range(count):
                    tickets.append(
                        ComplaintTicket(
                            ticket_id=f"{partner.code}-{cooperation_type[:2].upper()}-{day:%Y%m%d}-{n:03d}",
                            partner=partner, cooperation_type=cooperation_type, received_on=day,
                            province=rng.choice(PROVINCES),
                            category=ComplaintCategory.UNKNOWING_SUBSCRIPTION if rng.random() < 0.85
                            else ComplaintCategory.OTHER,
                            handled_late=rng.random() < 0.03, quality_failed=rng.random() < 0.02,
                            upgraded_on=day + dt.timedelta(days=rng.randint(1, 10)) if rng.random() < 0.002 else None,
                        )
                    )
                day += dt.timedelta(days=1)

    MonthlyRevenue.objects.bulk_create(revenues, ignore_conflicts=True, batch_size=2000)
    MonthlyContribution.objects.bulk_create(contributions, ignore_conflicts=True, batch_size=2000)
    ComplaintTicket.objects.bulk_create(tickets, ignore_conflicts=True, batch_size=5000)
    return {
        "partners": len(partners),
        "contracts": Contract.objects.filter(partner__in=partners).count(),
        "sub_channels": SubChannel.objects.filter(partner__in=partners).count(),
        "revenue_months": MonthlyRevenue.objects.filter(partner__in=partners).count(),
        "complaints": ComplaintTicket.objects.filter(partner__in=partners).count(),
    }
