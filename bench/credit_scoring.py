"""Benchmark run_credit_scoring on generated data (run by hand, never in CI).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python bench/credit_scoring.py --partners 5000

Generates partners (prefix BENCHK) with contracts, revenue, contributions and complaint tickets for one month
(once; reused on later runs), then times a first run, a second (idempotent) run, and counts the queries.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from credit.models import MonthlyCreditScore  # noqa: E402
from credit.services import credit_scoring_run  # noqa: E402
from partners.models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue, Partner  # noqa: E402

MONTH = dt.date(2026, 10, 1)
PREFIX = "BENCHK"


@transaction.atomic
def generate(count: int, tickets_per_partner: int) -> None:
    existing = Partner.objects.filter(code__startswith=PREFIX).count()
    if existing >= count:
        return
    rng = random.Random(7)
    partners = Partner.objects.bulk_create(
        Partner(code=f"{PREFIX}{i:06d}", name=f"基准合作方{i}", partner_class=rng.choice(["ordinary", "core"]))
        for i in range(existing, count)
    )
    Contract.objects.bulk_create(
        Contract(partner=p, cooperation_type="sales_channel", start_date=dt.date(2024, 1, 1),
                 revenue_share=Decimal("0.5")) for p in partners
    )
    MonthlyRevenue.objects.bulk_create(
        MonthlyRevenue(partner=p, cooperation_type="sales_channel", month=MONTH,
                       phone_bill=Decimal(rng.randint(0, 90000)), third_party=Decimal("0"), cash=Decimal("0"))
        for p in partners
    )
    MonthlyContribution.objects.bulk_create(
        MonthlyContribution(partner=p, cooperation_type="sales_channel", month=MONTH,
                            product_purchases=Decimal(rng.randint(0, 60000)), product_category="digital_album",
                            ads_placed=Decimal("0"))
        for p in partners
    )
    ComplaintTicket.objects.bulk_create(
        (ComplaintTicket(ticket_id=f"{PREFIX}-{p.pk}-{n}", partner=p, cooperation_type="sales_channel",
                         received_on=MONTH + dt.timedelta(days=n % 28), handled_late=rng.random() < 0.05)
         for p in partners for n in range(tickets_per_partner)),
        batch_size=5000,
    )


def timed_run() -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        counts = credit_scoring_run(month=MONTH)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=20, help="tickets per partner")
    args = parser.parse_args()
    start = time.perf_counter()
    generate(args.partners, args.tickets)
    print(f"data ready in {time.perf_counter() - start:.1f}s "
          f"({Partner.objects.count()} partners, {ComplaintTicket.objects.count()} tickets)")
    MonthlyCreditScore.objects.filter(month=MONTH, status="draft").delete()
    for label in ("first run", "second run"):
        elapsed, queries, counts = timed_run()
        print(f"{label}: {elapsed:.2f}s, {queries} queries, {counts}")


if __name__ == "__main__":
    main()
