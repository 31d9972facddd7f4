"""Benchmark: one month of settlement for many contracts (set-based run, then an idempotent second run).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python bench/settlement_month.py [--partners N]
        [--runs R] [--record]

Uses the database in DATABASE_URL as a dedicated benchmark database (migrated; earlier BENCHS* rows removed).
Generates N partners with a sales-channel contract (every 4th also a joint-membership contract), the month's revenue,
warnings at levels 1–4 for 5 %, a settlement hold for 2 % and a write-down for 1 %, then, R times (pair by pair,
alternating which side goes first; the month's statements are deleted before each side):

* the job: ``settlement_run`` (first run, every statement created), then again (second run, nothing to write);
* the write floor: one hand-written ``INSERT … SELECT`` computing the same statements from the same inputs
  (contracts in force, revenue to the latest-started contract, highest warning level and its payout percent,
  write-downs, settlement holds and stops, negative balances carried) into the real statement table — its indexes,
  constraints and foreign keys — inside a transaction that is rolled back; it must give the same number of rows and
  the same total amount due as the job.

Prints the medians and the ratios job / floor and second run / first run (``--record``: into
``bench/results/settlement_month.json`` for the table of bench/README.md). Months with inputs the floor does not
model (extra deductions, adjustments, offsets, a previous month's statements, terminated partners) are not part of
the generated data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
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
    parser.add_argument("--runs", type=int, default=3, help="pairs of (job, floor) timed; medians are compared")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from django.contrib.contenttypes.models import ContentType

    from credit.models import CreditSanction, MonthlyCreditScore
    from enforcement.models import Restriction
    from partners.models import Contract, MonthlyRevenue, Partner
    from scoring.models import MonthlyWarning, RuleSet
    from settlement.models import SettlementStatement, WriteDown
    from settlement.services import settlement_run

    old = Partner.objects.filter(code__startswith=PREFIX)
    # bench/credit_scoring.py, run after this on the same database, scores these partners too
    CreditSanction.objects.filter(partner__in=old).delete()
    MonthlyCreditScore.objects.filter(partner__in=old).delete()
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

    from bench._paired import alternate, first_run_against_floor, first_run_figures, machine_load, timed

    def wipe() -> None:
        # not the queryset's delete(): that writes a history row per statement, one INSERT each
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SettlementStatement._meta.db_table} WHERE month = %s", [MONTH])

    def job() -> dict[str, float]:
        wipe()
        measured = {}
        for label in ("first run", "second run"):
            connection.queries_log.clear()  # the count below is of a log capped at 9,000 queries
            with CaptureQueriesContext(connection) as queries:
                seconds, counts = timed(lambda: settlement_run(month=MONTH))
            measured[label] = seconds
            job.counts = counts
            print(f"  {label}: {counts['contracts']} contracts in {seconds:.2f} s "
                  f"({counts['contracts'] / seconds:,.0f}/s), {len(queries)} queries; created {counts['created']}, "
                  f"updated {counts['updated']}, unchanged {counts['unchanged']}, held {counts['on_hold']}, "
                  f"amount due {counts['amount_due']}", flush=True)
        return measured

    def floor() -> dict[str, float]:
        wipe()
        seconds, (rows, amount_due) = timed(lambda: settlement_floor(MONTH))
        print(f"  write floor (INSERT … SELECT, rolled back): {rows} statements in {seconds:.2f} s, "
              f"amount due {amount_due}", flush=True)
        floor.result = (rows, amount_due)
        return {"floor": seconds}

    load_before = machine_load()
    times = alternate(args.runs, floor, job, report=lambda run, measured: print(
        f"pair {run}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in measured.items()), flush=True))
    counts = job.counts
    assert floor.result == (counts["contracts"], Decimal(counts["amount_due"])), (floor.result, counts)
    median, ratio = first_run_against_floor(times, size=f"{counts['contracts']:,} contracts", load_before=load_before)
    if args.record:
        from bench.figures import record

        record("settlement_month", first_run_figures(
            job="settlement_run", period=f"{MONTH:%Y-%m}", size=f"{counts['contracts']:,} contracts",
            floor="one INSERT … SELECT of the same statements", median=median, ratio=ratio))


def settlement_floor(month: dt.date) -> tuple[int, Decimal]:
    """The statements of ``month`` by one INSERT … SELECT into the real table, rolled back: (rows, amount due)."""
    from django.db import connection, transaction

    from core.months import month_end
    from scoring.selectors import rule_book_in_force, warning_payout_percent
    from settlement import selectors
    from settlement.services import _rule_ids

    first, last = month, month_end(month)
    rule_set, book = rule_book_in_force(on=first)
    ids = _rule_ids(book)
    levels = [0, *sorted(int(row["level"]) for row in book.rows("warning_levels"))]
    percents = [warning_payout_percent(level=level, month=first) for level in levels]
    if not book.flag("settlement_payout_from_warning"):
        percents = [Decimal(100)] * len(levels)
    restrictions, restriction_params = (selectors.settlement_restrictions_in_month(month=first).order_by()
                                        .values("partner_id", "cooperation_type", "rule_id").query.sql_with_params())
    statement = f"""
        WITH active AS (
            SELECT c.id, c.partner_id, c.cooperation_type, c.revenue_share,
                   row_number() OVER (PARTITION BY c.partner_id, c.cooperation_type
                                      ORDER BY c.start_date DESC, c.id DESC) = 1 AS is_primary
            FROM partners_contract c
            WHERE c.start_date <= %(last)s AND (c.end_date IS NULL OR c.end_date >= %(first)s)
        ), restriction AS ({restrictions}),
        flags AS (
            SELECT a.id, bool_or(h.rule_id <> %(exit)s) AS held, bool_or(h.rule_id = %(exit)s) AS stopped
            FROM active a JOIN restriction h
                ON h.partner_id = a.partner_id AND h.cooperation_type IN ('', a.cooperation_type)
            GROUP BY a.id
        ),
        base AS (
            SELECT a.*, CASE WHEN a.is_primary THEN coalesce(r.phone_bill + r.third_party + r.cash, 0)
                             ELSE 0 END AS revenue,
                   coalesce(w.level, 0) AS level, coalesce(d.amount, 0) AS write_downs,
                   coalesce(f.held, false) AS held, coalesce(f.stopped, false) AS stopped
            FROM active a
            LEFT JOIN flags f ON f.id = a.id
            LEFT JOIN partners_monthlyrevenue r
                ON r.partner_id = a.partner_id AND r.cooperation_type = a.cooperation_type AND r.month = %(first)s
            LEFT JOIN (SELECT partner_id, cooperation_type, max(level) AS level FROM scoring_monthlywarning
                       WHERE month = %(first)s AND level > 0 GROUP BY 1, 2) w
                ON w.partner_id = a.partner_id AND w.cooperation_type = a.cooperation_type
            LEFT JOIN (SELECT contract_id, sum(amount) AS amount FROM settlement_writedown
                       WHERE month = %(first)s GROUP BY 1) d ON d.contract_id = a.id
        ), payable AS (
            SELECT b.*, round(b.revenue * b.revenue_share, 2) AS payable, p.percent
            FROM base b JOIN unnest(%(levels)s::int[], %(percents)s::numeric[]) AS p (level, percent)
                ON p.level = b.level
        ), settled AS (
            SELECT p.*, round(p.payable * p.percent / 100, 2) AS settled FROM payable p
        ), balance AS (
            SELECT s.*, s.settled - s.write_downs AS balance FROM settled s
        ), inserted AS (
            INSERT INTO settlement_settlementstatement (
                status, cooperation_type, month, revenue, revenue_share, payable, warning_level, warning_percent,
                settled, extra_deductions, write_downs, adjustments, brought_forward, offsets, balance, held_before,
                released, held_balance, stopped_amount, amount_due, carried_forward, on_hold, stopped, items,
                computed_at, contract_id, partner_id, rule_set_id)
            SELECT 'draft', cooperation_type, %(first)s, revenue, revenue_share, payable, level, percent, settled,
                   0, write_downs, 0, 0, 0, balance, 0, 0,
                   CASE WHEN held AND NOT stopped THEN greatest(balance, 0) ELSE 0 END,
                   CASE WHEN stopped THEN greatest(balance, 0) ELSE 0 END,
                   CASE WHEN held OR stopped THEN 0 ELSE greatest(balance, 0) END,
                   CASE WHEN %(carry)s THEN least(balance, 0) ELSE 0 END,
                   held AND NOT stopped, stopped,
                   jsonb_build_array(
                       jsonb_build_object('rule', %(base_rule)s, 'points', payable::text,
                                          'detail', format('信息费收入 %%s 元 × 分成比例 %%s', revenue, revenue_share)),
                       jsonb_build_object('rule', %(warn_rule)s, 'points', (settled - payable)::text,
                                          'detail', format('当月最高预警级别 %%s，结算比例 %%s%%%%，'
                                                           '预警后结算额 %%s 元', level, percent, settled)))
                   || CASE WHEN write_downs <> 0 THEN jsonb_build_array(jsonb_build_object(
                          'rule', %(neg_rule)s, 'points', (-write_downs)::text, 'detail', '中国移动收入核减：核减'))
                      ELSE '[]'::jsonb END
                   || CASE WHEN stopped THEN jsonb_build_array(jsonb_build_object(
                          'rule', %(exit)s, 'points', (-greatest(balance, 0))::text,
                          'detail', '重大违规终止合作，自终止当月起停止结算'))
                      WHEN held AND balance <> 0 THEN jsonb_build_array(jsonb_build_object(
                          'rule', %(hold_rule)s, 'points', (-greatest(balance, 0))::text,
                          'detail', format('信用处罚暂停结算：本期暂扣（不没收），暂扣余额 %%s 元',
                                           greatest(balance, 0))))
                      ELSE '[]'::jsonb END
                   || CASE WHEN balance < 0 THEN jsonb_build_array(jsonb_build_object(
                          'rule', %(neg_rule)s, 'points', (-balance)::text,
                          'detail', format('负结算 %%s 元结转下期', balance)))
                      ELSE '[]'::jsonb END,
                   now(), id, partner_id, %(rule_set)s
            FROM balance
            RETURNING amount_due
        )
        SELECT count(*), coalesce(sum(amount_due), 0) FROM inserted
    """
    params = {"first": first, "last": last, "exit": ids.exit, "levels": levels, "percents": percents,
              "carry": book.flag("negative_settlement_carry_forward"), "base_rule": ids.base, "warn_rule": ids.warn,
              "neg_rule": ids.neg, "hold_rule": ids.hold, "rule_set": rule_set.pk}
    # the restriction filter comes from the job's own selector, with positional parameters: inline them as named
    for index, value in enumerate(restriction_params):
        params[f"r{index}"] = value
    statement = statement.replace(restrictions, restrictions.replace("%s", "{}").format(
        *[f"%(r{index})s" for index in range(len(restriction_params))]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows, amount_due = cursor.fetchone()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, as a commit runs them
        transaction.set_rollback(True)
    return rows, amount_due


if __name__ == "__main__":
    main()
