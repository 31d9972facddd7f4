"""Benchmark: import 6 months of statistics for N monthly codes, then run the year-end job (R-B-YEAREND).

    DATABASE_URL=postgres://… python bench/code_yearend.py [N]

Runs inside a transaction that is rolled back: the database is left as it was (it must be migrated).
"""

import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from codes.models import BusinessCode, CodeRecyclingProposal  # noqa: E402
from codes.services import code_yearend_propose  # noqa: E402
from partners.imports.services import data_file_import  # noqa: E402
from partners.models import Contract, Partner  # noqa: E402


class Rollback(Exception):
    pass


def main(count: int) -> None:
    try:
        with transaction.atomic():
            partner = Partner.objects.create(code="BENCH-P", name="基准测试")
            contract = Contract.objects.create(partner=partner, cooperation_type="sales_channel",
                                               start_date=dt.date(2020, 1, 1), revenue_share=Decimal("0.5"))
            BusinessCode.objects.bulk_create(
                BusinessCode(code=f"BENCH{i:07d}", name=f"基准{i}", kind="monthly", category="other",
                             owner_kind="partner", contract=contract, partner=partner, price=Decimal("10"),
                             status="active", effective_date=dt.date(2024, 1, 1))
                for i in range(count)
            )
            stats_file = Path(tempfile.mkdtemp()) / "code_stats.csv"
            rows = [f"BENCH{i:07d},2026-{m:02d},{(i * 37) % 3000}," for i in range(count) for m in range(7, 13)]
            stats_file.write_text("code,month,users,orders\n" + "\n".join(rows) + "\n", encoding="utf-8")
            start = time.perf_counter()
            result = data_file_import(kind="code_stats", file=stats_file)
            imported = time.perf_counter() - start
            start = time.perf_counter()
            first = code_yearend_propose(year=2026)
            first_run = time.perf_counter() - start
            start = time.perf_counter()
            second = code_yearend_propose(year=2026)
            second_run = time.perf_counter() - start
            print(f"codes={count} stat rows={len(rows)}: import {imported:.2f}s ({result.created} created)")
            print(f"year-end first run {first_run:.2f}s {first}; second run {second_run:.2f}s {second}")
            print(f"proposals: {CodeRecyclingProposal.objects.filter(trigger_key='2026').count()}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
