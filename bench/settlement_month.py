"""Benchmark: one month of settlement for many contracts (set-based run, then an idempotent second run).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python bench/settlement_month.py [--partners N]

Uses the database in DATABASE_URL as a dedicated benchmark database (migrated; earlier BENCHS* rows removed).
Generates N partners with a sales-channel contract (every 4th also a joint-membership contract), the month's revenue,
warnings at levels 1–4 for 5 %, a settlement hold for 2 % and a write-down for 1 %, then times ``settlement_run``
twice and counts its queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")

MONTH = dt.date(2026, 10, 1)
PREFIX = "BENCHS"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=10000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from django.contrib.contenttypes.models import ContentType

    from enforcement.models import Restriction
    from partners.models import Contract, MonthlyRevenue, Partner
    from scoring.models import MonthlyWarning, RuleSet
    from settlement.models import SettlementStatement, WriteDown
    from settlement.services import settlement_run

    old = Partner.objects.filter(code__startswith=PREFIX)
    SettlementStatement.objects.filter(partner__in=old).delete()
    WriteDown.objects.filter(contract__partner__in=old).delete()
    Restriction.objects.filter(partner__in=old).delete()
    MonthlyWarning.objects.filter(partner__in=old).delete()
    MonthlyRevenue.objects.filter(partner__in=old).delete()
    Contract.objects.filter(partner__in=old).delete()
    old.delete()

    rng = random.Random(20261001)
    partners = Partner.objects.bulk_create(
        Partner(code=f"{PREFIX}{n:06d}", name=f"基准合作方{n}") for n in range(args.partners))
    contracts = []
    for n, partner in enumerate(partners):
        contracts.append(Contract(partner=partner, cooperation_type="sales_channel", start_date=dt.date(2025, 1, 1),
                                  revenue_share=Decimal("0.4500")))
        if n % 4 == 0:
            contracts.append(Contract(partner=partner, cooperation_type="joint_membership",
                                      start_date=dt.date(2025, 6, 1), revenue_share=Decimal("0.3000")))
    contracts = Contract.objects.bulk_create(contracts, batch_size=5000)
    MonthlyRevenue.objects.bulk_create(
        (MonthlyRevenue(partner_id=c.partner_id, cooperation_type=c.cooperation_type, month=MONTH,
                        phone_bill=Decimal(rng.randrange(0, 5_000_000)) / 100, third_party=Decimal("0.00"),
                        cash=Decimal(rng.randrange(0, 100_000)) / 100) for c in contracts), batch_size=5000)
    rule_set = RuleSet.objects.get(version=1)
    MonthlyWarning.objects.bulk_create(
        (MonthlyWarning(partner=p, cooperation_type="sales_channel", month=MONTH, notification_count=5 * level,
                        level=level, rule_set=rule_set)
         for p in partners for level in [rng.randrange(1, 5)] if rng.random() < 0.05), batch_size=5000)
    partner_type = ContentType.objects.get_for_model(Partner)
    Restriction.objects.bulk_create(
        (Restriction(partner=p, action="settlement", starts_on=dt.date(2026, 10, 1), rule_id="R-K-RANGE",
                     source_type=partner_type, source_id=str(p.pk), source_key="bench")
         for p in partners if rng.random() < 0.02), batch_size=5000)
    WriteDown.objects.bulk_create(
        (WriteDown(contract=c, month=MONTH, amount=Decimal(rng.randrange(100, 10_000_000)) / 100)
         for c in contracts if rng.random() < 0.01), batch_size=5000)

    for label in ("first run", "second run"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            counts = settlement_run(month=MONTH)
            seconds = time.perf_counter() - start
        print(f"{label}: {counts['contracts']} contracts in {seconds:.2f} s "
              f"({counts['contracts'] / seconds:,.0f}/s), {len(queries)} queries; created {counts['created']}, "
              f"updated {counts['updated']}, unchanged {counts['unchanged']}, held {counts['on_hold']}, "
              f"amount due {counts['amount_due']}")


if __name__ == "__main__":
    main()
