"""Benchmark run_credit_scoring on generated data (run by hand, never in CI).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python bench/credit_scoring.py --partners 5000
        [--tickets 20] [--runs 3] [--record]

Generates partners (prefix BENCHK) with contracts, revenue, contributions and complaint tickets for one month
(once; reused on later runs), then, R times (pair by pair, alternating which side goes first; the month's draft
scores are deleted before each side):

* the job: ``credit_scoring_run`` (first run, every score created), then again (second run, nothing to write),
  counting the queries;
* the write floor: one hand-written ``INSERT … SELECT`` that aggregates the same inputs (partners with a contract in
  force, the month's notifications, tickets and late tickets, revenue, contributions) and writes one score per
  partner — health, strategic (operational importance) and the staff-entered items with the rule set's weights,
  the grade from its brackets, a breakdown of the same items — into the real score table (indexes, constraints,
  foreign keys) inside a transaction that is rolled back. It must give the same number of rows; company-importance
  evidence, manual scores, earlier months and major violations (not in the generated month) are not modelled.

Prints the medians and the ratios job / floor and second run / first run (``--record``: into
``bench/results/credit_scoring.json`` for the table of bench/README.md). Every partner with a contract in force
that month is scored, so data other benchmarks left in the database count too.
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
from django.db.models import Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench._paired import alternate, first_run_against_floor, first_run_figures, machine_load, timed  # noqa: E402
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
    connection.queries_log.clear()  # the count below is of a log capped at 9,000 queries
    with CaptureQueriesContext(connection) as queries:
        elapsed, counts = timed(lambda: credit_scoring_run(month=MONTH))
    return elapsed, len(queries), counts


def credit_floor(month: dt.date) -> tuple[int, Decimal]:
    """The month's credit scores by one INSERT … SELECT into the real table, rolled back: (rows, Σ score)."""
    from core.months import format_month, month_end
    from credit.rules import CORE_PROFILE, ORDINARY_PROFILE, item_type_for
    from scoring.selectors import rule_book_in_force

    rule_set, book = rule_book_in_force(on=month)
    rows = book.rows("credit_items")
    kinds = [row["item"] if item_type_for(row["item"]).key in ("health", "strategic") else "manual" for row in rows]
    weights = {}
    for profile in (CORE_PROFILE, ORDINARY_PROFILE):
        raw = [Decimal(str(row[f"weight_{profile}"])) for row in rows]
        weights[profile] = [w / sum(raw) for w in raw]
    grades = book.brackets("credit_grade_brackets")
    n = book.number
    scale = n("credit_score_max") / n("credit_item_scale")
    points = {
        "health": ("greatest(%(health_floor)s, %(health_start)s - %(per_notification)s * notifications"
                   " - CASE WHEN tickets > 0 AND (tickets - late) * 100.0 / tickets < %(ontime)s"
                   " THEN %(ontime_penalty)s ELSE 0 END)"),
        "strategic": ("least(%(strategic_cap)s, CASE WHEN greatest(revenue, purchases, ads) >= %(operational)s"
                      " THEN %(operational_points)s ELSE 0 END)"),
        "manual": "%(manual_default)s",
    }
    detail = {
        "health": ("format('起始 %%s；通报 %%s 次；工单 %%s/%%s', %(health_start)s, notifications, tickets - late,"
                   " tickets)"),
        "strategic": "format('经营重要性：分成前收入 %%s 元、采购 %%s 元、投放 %%s 元', revenue, purchases, ads)",
        "manual": "'未录入，按规则集默认分（假定）'",
    }
    columns = ", ".join(f"{points[kind]} AS p{index}" for index, kind in enumerate(kinds))
    monthly = " + ".join(
        f"p{index} * CASE WHEN profile = '{CORE_PROFILE}' THEN {weights[CORE_PROFILE][index]} "
        f"ELSE {weights[ORDINARY_PROFILE][index]} END" for index in range(len(rows)))
    items = ", ".join(
        f"jsonb_build_object('rule', %(rule{index})s, 'item', %(item{index})s, 'name', %(name{index})s, "
        f"'points', p{index}, 'weight', round(CASE WHEN profile = '{CORE_PROFILE}' THEN "
        f"{weights[CORE_PROFILE][index]} ELSE {weights[ORDINARY_PROFILE][index]} END, 4), "
        f"'detail', {detail[kind]}, 'assumed', %(assumed{index})s)" for index, kind in enumerate(kinds))
    below = "<=" if grades.closed == "left" else "<"
    statement = f"""
        WITH scope AS (
            SELECT c.partner_id, bool_or(p.partner_class = '{CORE_PROFILE}'
                                         OR (c.cooperation_type = 'joint_membership' AND %(joint_core)s)) AS core
            FROM partners_contract c JOIN partners_partner p ON p.id = c.partner_id
            WHERE c.start_date <= %(last)s AND (c.end_date IS NULL OR c.end_date >= %(first)s)
            GROUP BY c.partner_id
        ), facts AS (
            SELECT s.partner_id, CASE WHEN s.core THEN '{CORE_PROFILE}' ELSE '{ORDINARY_PROFILE}' END AS profile,
                   coalesce(w.notifications, 0) AS notifications, coalesce(t.tickets, 0) AS tickets,
                   coalesce(t.late, 0) AS late, coalesce(r.revenue, 0) AS revenue,
                   coalesce(m.purchases, 0) AS purchases, coalesce(m.ads, 0) AS ads
            FROM scope s
            LEFT JOIN (SELECT partner_id, sum(notification_count) AS notifications FROM scoring_monthlywarning
                       WHERE month = %(first)s AND notification_count > 0 GROUP BY 1) w USING (partner_id)
            LEFT JOIN (SELECT partner_id, count(*) AS tickets, count(*) FILTER (WHERE handled_late) AS late
                       FROM partners_complaintticket WHERE received_on BETWEEN %(first)s AND %(last)s
                       GROUP BY 1) t USING (partner_id)
            LEFT JOIN (SELECT partner_id, sum(phone_bill + third_party + cash) AS revenue
                       FROM partners_monthlyrevenue WHERE month = %(first)s GROUP BY 1) r USING (partner_id)
            LEFT JOIN (SELECT partner_id,
                              sum(product_purchases) FILTER (WHERE product_category = ANY(%(categories)s))
                                  AS purchases,
                              sum(ads_placed + ad_sales) AS ads
                       FROM partners_monthlycontribution WHERE month = %(first)s GROUP BY 1) m USING (partner_id)
        ), points AS (
            SELECT f.*, {columns} FROM facts f
        ), scored AS (
            SELECT p.*, least(greatest(round(({monthly}) * %(scale)s, 2), 0), %(score_max)s) AS monthly FROM points p
        ), inserted AS (
            INSERT INTO credit_monthlycreditscore (status, month, weight_profile, monthly_score, score, grade, items,
                                                   months, computed_at, partner_id, rule_set_id)
            SELECT 'draft', %(first)s, profile, monthly, monthly,
                   CASE WHEN monthly <= %(terminate)s THEN 'X' ELSE (%(grade_points)s::text[])[
                       1 + (SELECT count(*) FROM unnest(%(thresholds)s::numeric[]) t WHERE t {below} monthly)] END,
                   jsonb_build_array({items}),
                   jsonb_build_array(jsonb_build_object('month', %(month_label)s, 'monthly_score', monthly,
                                                        'configured_weight', 1.0, 'weight', 1.0)),
                   now(), partner_id, %(rule_set)s
            FROM scored
            RETURNING score
        )
        SELECT count(*), coalesce(sum(score), 0) FROM inserted
    """
    params = {
        "first": month, "last": month_end(month), "month_label": format_month(month), "rule_set": rule_set.pk,
        "joint_core": book.flag("credit_core_weights_for_joint_membership"),
        "categories": list(book.items("credit_product_categories")),
        "health_floor": n("credit_health_floor"), "health_start": n("credit_health_start"),
        "per_notification": n("credit_health_per_notification"), "ontime": n("credit_health_ontime_threshold"),
        "ontime_penalty": n("credit_health_ontime_penalty"), "strategic_cap": n("credit_strategic_cap"),
        "operational": n("credit_operational_importance_threshold"),
        "operational_points": n("credit_operational_importance_points"),
        "manual_default": n("credit_manual_item_default_points"), "scale": scale, "score_max": n("credit_score_max"),
        "terminate": n("credit_terminate_at_or_below"), "thresholds": list(grades.thresholds),
        "grade_points": [str(p) for p in grades.points],
    }
    for index, row in enumerate(rows):
        params.update({f"rule{index}": row.get("rule") or book.rule_id("credit_items"), f"item{index}": row["item"],
                       f"name{index}": row.get("name", row["item"]),
                       f"assumed{index}": str(row.get("assumed", "")).lower() in {"yes", "true", "1"}})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        written = cursor.fetchone()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, as a commit runs them
        transaction.set_rollback(True)
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=20, help="tickets per partner")
    parser.add_argument("--runs", type=int, default=3, help="pairs of (job, floor) timed; medians are compared")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    args = parser.parse_args()
    start = time.perf_counter()
    generate(args.partners, args.tickets)
    print(f"data ready in {time.perf_counter() - start:.1f}s "
          f"({Partner.objects.count()} partners, {ComplaintTicket.objects.count()} tickets)", flush=True)

    def wipe() -> None:
        MonthlyCreditScore.objects.filter(month=MONTH, status="draft").delete()

    def job() -> dict[str, float]:
        wipe()
        measured = {}
        for label in ("first run", "second run"):
            elapsed, queries, counts = timed_run()
            measured[label] = elapsed
            job.counts = counts
            print(f"  {label}: {elapsed:.2f}s, {queries} queries, {counts}", flush=True)
        job.total = MonthlyCreditScore.objects.filter(month=MONTH).aggregate(total=Sum("score"))["total"]
        return measured

    def floor() -> dict[str, float]:
        wipe()
        elapsed, (floor.rows, floor.total) = timed(lambda: credit_floor(MONTH))
        print(f"  write floor (INSERT … SELECT, rolled back): {floor.rows} scores in {elapsed:.2f}s", flush=True)
        return {"floor": elapsed}

    load_before = machine_load()
    times = alternate(args.runs, floor, job, report=lambda run, measured: print(
        f"pair {run}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in measured.items()), flush=True))
    assert floor.rows == job.counts["partners"], (floor.rows, job.counts)
    print(f"Σ score: job {job.total}, floor {floor.total} ({'the same' if job.total == floor.total else 'differs'})")
    median, ratio = first_run_against_floor(times, size=f"{floor.rows:,} partners", load_before=load_before)
    if args.record:
        from bench.figures import record

        record("credit_scoring", first_run_figures(
            job="credit_scoring_run", period=f"{MONTH:%Y-%m}", size=f"{floor.rows:,} partners",
            floor="one INSERT … SELECT of the same scores", median=median, ratio=ratio))


if __name__ == "__main__":
    main()
