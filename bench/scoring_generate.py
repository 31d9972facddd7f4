"""Generate one month of partner data for the scoring benchmark (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_scoring \
        python bench/scoring_generate.py --preset small      # 1,000 partner-types, 1 M tickets
    ... --preset big                                         # 10,000 partner-types, 10 M tickets
    ... --partner-types 1000 --tickets 3000000               # any size

Creates the database if missing, migrates it, wipes partner and result data (rule sets are kept) and loads:
partners (two cooperation types each), one contract per partner-type (some in incubation), revenue for every
partner-type, contributions for a fifth of them, and the month's complaint tickets streamed through COPY
(memory stays flat whatever the ticket count), day by day in received order like the daily imports. Ticket
volume per partner-type is heavy-tailed (Pareto), so most stay below the daily notification threshold and a
tail reaches every warning level. Deterministic per --seed.
"""

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402

PRESETS = {"tiny": (100, 50_000), "small": (1_000, 1_000_000), "big": (10_000, 10_000_000)}
PROVINCES = ["北京", "上海", "广东", "江苏", "浙江", "四川", "湖北", "山东", "河南", "福建"]


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    admin = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None,
                             host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    admin.close()


class TicketStream(io.RawIOBase):
    """A file-like object producing COPY text lines on demand, so 10 M tickets never sit in memory."""

    def __init__(self, rows):
        self._rows = rows
        self._buffer = b""

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self._buffer) < size:
            chunk = "".join(line for _, line in zip(range(5000), self._rows, strict=False))
            if not chunk:
                break
            self._buffer += chunk.encode()
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def ticket_rows(*, keys, weights, count, month, days, rng):
    """Tickets day by day, as the complaint system delivers them (so each day's tickets sit together on disk,
    as they do after daily imports); owners drawn by the heavy-tailed weights."""
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    number = 0
    for day_index in range(days):
        received = month + dt.timedelta(days=day_index)
        todays = count // days + (1 if day_index < count % days else 0)
        while todays:
            batch = min(100_000, todays)
            for partner_id, cooperation_type in rng.choices(keys, cum_weights=cumulative, k=batch):
                category = "unknowing_subscription" if rng.random() < 0.85 else "other"
                late = "t" if rng.random() < 0.03 else "f"
                quality = "t" if rng.random() < 0.01 else "f"
                if rng.random() < 0.0002:
                    upgraded = (received + dt.timedelta(days=rng.randrange(5))).isoformat()
                else:
                    upgraded = "\\N"
                yield (f"B{number:010d}\t{partner_id}\t{cooperation_type}\t{received.isoformat()}\t"
                       f"{PROVINCES[number % len(PROVINCES)]}\t{category}\t{late}\t{quality}\t{upgraded}\n")
                number += 1
            todays -= batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--partner-types", type=int)
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    partner_types, tickets = PRESETS[args.preset]
    partner_types = args.partner_types or partner_types
    tickets = args.tickets if args.tickets is not None else tickets

    ensure_database(os.environ.get("DATABASE_URL", ""))
    django_setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction

    from core.months import month_end, parse_month
    from partners.models import Contract, MonthlyContribution, MonthlyRevenue, Partner

    month = parse_month(args.month)
    days = month_end(month).day
    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE partners_partner, core_jobrun, core_auditevent RESTART IDENTITY CASCADE")
        cursor.execute("TRUNCATE partners_historicalcomplaintticket, partners_historicalpartner, "
                       "partners_historicalcontract, partners_historicalmonthlyrevenue, "
                       "partners_historicalmonthlycontribution RESTART IDENTITY")

    types = ["sales_channel", "joint_membership"]
    partner_count = (partner_types + 1) // 2
    with transaction.atomic():
        partners = Partner.objects.bulk_create(
            Partner(code=f"BP{i:06d}", name=f"基准合作方{i}", partner_class="core" if i % 10 == 0 else "ordinary")
            for i in range(partner_count)
        )
        keys = [(p.pk, t) for p in partners for t in types][:partner_types]
        Contract.objects.bulk_create(
            Contract(partner_id=pid, cooperation_type=t, revenue_share=Decimal("0.5"),
                     start_date=month - dt.timedelta(days=rng.randrange(30, 720)),
                     incubation=rng.random() < 0.1)
            for pid, t in keys
        )
        MonthlyRevenue.objects.bulk_create(
            MonthlyRevenue(partner_id=pid, cooperation_type=t, month=month,
                           phone_bill=Decimal(rng.randrange(100, 400_000_000)) / 100,
                           third_party=Decimal(rng.randrange(0, 50_000_000)) / 100,
                           cash=Decimal(rng.randrange(0, 10_000_000)) / 100)
            for pid, t in keys
        )
        MonthlyContribution.objects.bulk_create(
            MonthlyContribution(partner_id=pid, cooperation_type=t, month=month,
                                marketing_resources=rng.random() < 0.5,
                                marketing_includes_client_promotion=rng.random() < 0.3,
                                cash_contribution=Decimal(rng.randrange(0, 300_000_000)) / 100,
                                ad_sales=Decimal(rng.randrange(0, 50_000_000)) / 100,
                                active_users=rng.randrange(0, 1_500_000))
            for pid, t in keys if rng.random() < 0.2
        )
    weights = [rng.paretovariate(1.5) for _ in keys]
    print(f"{len(partners)} partners, {len(keys)} partner-types; loading {tickets:,} tickets …", flush=True)
    raw = connection.connection if connection.connection else (connection.ensure_connection() or
                                                               connection.connection)
    with raw.cursor() as cursor:
        cursor.copy_expert(
            "COPY partners_complaintticket (ticket_id, partner_id, cooperation_type, received_on, province, "
            "category, handled_late, quality_failed, upgraded_on) FROM STDIN",
            TicketStream(ticket_rows(keys=keys, weights=weights, count=tickets, month=month, days=days, rng=rng)),
            size=1 << 20,
        )
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
