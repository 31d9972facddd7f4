"""Benchmark: import 6 months of statistics for N monthly codes, then run the year-end job (R-B-YEAREND).

    DATABASE_URL=postgres://… python bench/code_yearend.py [N] [--runs R] [--record]

Runs inside a transaction that is rolled back: the database is left as it was (it must be migrated). After the
import, R times (pair by pair, alternating which side goes first; the year's proposals and their history rows are
deleted before each side):

* the job: ``code_yearend_propose`` (first run, every proposal created with its history row), then again (second
  run, nothing to write);
* the write floor: one hand-written statement that judges the same codes from the same statistics (monthly codes in
  force long enough, users over the rule set's window, missing months as 0, below the threshold) and writes the same
  proposals and their history rows by ``INSERT … SELECT``, inside a savepoint that is rolled back. It must give the
  same number of proposals. Neither side pays the deferred foreign-key checks (the transaction never commits).

Prints the medians and the ratios job / floor and second run / first run (``--record``: into
``bench/results/code_yearend.json`` for the table of bench/README.md).
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench._paired import alternate, first_run_against_floor, first_run_figures, machine_load, timed  # noqa: E402
from codes.choices import IN_FORCE_STATUSES, CodeKind, ProposalAction, ProposalTrigger  # noqa: E402
from codes.models import BusinessCode, CodeRecyclingProposal  # noqa: E402
from codes.services import code_yearend_propose  # noqa: E402
from partners.imports.services import data_file_import  # noqa: E402
from partners.models import Contract, Partner  # noqa: E402

YEAR = 2026


class Rollback(Exception):
    pass


def yearend_floor(year: int) -> tuple[int, int]:
    """The year's proposals and their history rows by INSERT … SELECT, rolled back: (proposals, history rows)."""
    from codes.services.yearend import _minus_duration
    from core.months import add_months
    from scoring.selectors import rule_book_in_force

    reference = dt.date(year, 12, 31)
    rule_set, book = rule_book_in_force(on=reference)
    window = book.integer("code_yearend_window_months")
    last_month = dt.date(year, 12, 1)
    months = [add_months(last_month, -offset) for offset in range(window - 1, -1, -1)]
    columns = ("status, assessment_note, created_at, trigger, trigger_key, action, rule_id, users, average_users, "
               "unsubscribe_batches, items, code_id, rule_set_id")
    statement = f"""
        WITH series AS (
            SELECT c.id, c.code, c.effective_date, avg(coalesce(s.users, 0)) AS average,
                   coalesce(max(s.users) FILTER (WHERE m.month = %(last)s), 0) AS last_users,
                   string_agg(to_char(m.month, 'YYYY-MM') || ' ' || coalesce(s.users::text, '0（无统计）'), '，'
                              ORDER BY m.month) AS listing
            FROM codes_businesscode c
            CROSS JOIN unnest(%(months)s::date[]) AS m (month)
            LEFT JOIN codes_codemonthlystat s ON s.code_id = c.id AND s.month = m.month
            WHERE c.kind = %(kind)s AND c.effective_date < %(cutoff)s AND c.status = ANY(%(statuses)s)
            GROUP BY c.id, c.code, c.effective_date
        ), proposals AS (
            INSERT INTO codes_coderecyclingproposal ({columns})
            SELECT 'draft', '', now(), %(trigger)s, %(key)s, %(action)s, %(rule)s, last_users, round(average, 2), 0,
                   jsonb_build_array(jsonb_build_object(
                       'rule', %(rule)s,
                       'detail', format('%%s 自 %%s 生效已满一年；近 %%s 个月用户数：%%s；月均 %%s，低于 %%s',
                                        code, effective_date, %(window)s, listing, round(average, 2),
                                        %(min_average)s),
                       'passed', true)),
                   id, %(rule_set)s
            FROM series WHERE average < %(min_average)s
            RETURNING id, {columns}
        ), history AS (
            INSERT INTO codes_historicalcoderecyclingproposal (id, {columns}, history_date, history_type)
            SELECT id, {columns}, now(), '+' FROM proposals
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM proposals), (SELECT count(*) FROM history)
    """
    params = {
        "last": last_month, "months": months, "kind": CodeKind.MONTHLY, "statuses": list(IN_FORCE_STATUSES),
        "cutoff": _minus_duration(reference, book.duration("code_yearend_min_in_force")),
        "trigger": ProposalTrigger.YEAR_END, "key": str(year), "action": ProposalAction.RECYCLE,
        "rule": book.rule_id("code_yearend_min_average_users"), "window": window,
        "min_average": book.integer("code_yearend_min_average_users"), "rule_set": rule_set.pk,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        written = cursor.fetchone()
        transaction.set_rollback(True)
    return written


def main(count: int, runs: int, record: bool) -> None:
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
            rows = [f"BENCH{i:07d},{YEAR}-{m:02d},{(i * 37) % 3000}," for i in range(count) for m in range(7, 13)]
            stats_file.write_text("code,month,users,orders\n" + "\n".join(rows) + "\n", encoding="utf-8")
            imported, result = timed(lambda: data_file_import(kind="code_stats", file=stats_file))
            print(f"codes={count} stat rows={len(rows)}: import {imported:.2f}s ({result.created} created)",
                  flush=True)

            def wipe() -> None:
                # not the querysets' delete(): that writes a history row per proposal, one INSERT each
                with connection.cursor() as cursor:
                    for model in (CodeRecyclingProposal.history.model, CodeRecyclingProposal):
                        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE trigger = %s AND trigger_key = %s",
                                       [ProposalTrigger.YEAR_END, str(YEAR)])

            def job() -> dict[str, float]:
                wipe()
                measured = {}
                for label in ("first run", "second run"):
                    measured[label], counts = timed(lambda: code_yearend_propose(year=YEAR))
                    print(f"  year-end {label} {measured[label]:.2f}s {counts}", flush=True)
                job.proposals = CodeRecyclingProposal.objects.filter(trigger_key=str(YEAR)).count()
                return measured

            def floor() -> dict[str, float]:
                wipe()
                seconds, floor.written = timed(lambda: yearend_floor(YEAR))
                print(f"  write floor (INSERT … SELECT, rolled back): {floor.written[0]} proposals, "
                      f"{floor.written[1]} history rows in {seconds:.2f}s", flush=True)
                return {"floor": seconds}

            load_before = machine_load()
            times = alternate(runs, floor, job, report=lambda run, measured: print(
                f"pair {run}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in measured.items()),
                flush=True))
            print(f"proposals: {job.proposals}")
            assert floor.written == (job.proposals, job.proposals), (floor.written, job.proposals)
            median, ratio = first_run_against_floor(times, size=f"{count:,} codes", load_before=load_before)
            raise Rollback
    except Rollback:
        pass
    if record:
        from bench.figures import record as record_figures

        record_figures("code_yearend", first_run_figures(
            job="code_yearend_propose", period=f"{YEAR}", size=f"{count:,} monthly codes, {job.proposals:,} proposals",
            floor="INSERT … SELECT of the same proposals and history rows", median=median, ratio=ratio))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, default=10000, help="monthly codes (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="pairs of (job, floor) timed; medians are compared")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    arguments = parser.parse_args()
    main(arguments.count, arguments.runs, arguments.record)
