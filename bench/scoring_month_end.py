"""Time the month end (31 daily notification runs + the monthly assessment) against hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_scoring \
        python bench/scoring_month_end.py --runs 5 [--month 2026-10]

Load the data first with ``bench/scoring_generate.py``. Each run wipes the scoring results, then times

* **jobs**: ``daily_notifications_job`` for every day of the month, then ``monthly_assessment_job`` — the same
  functions the commands and Celery tasks call, writing every result row, job record and audit row;
* **sql**: hand-written SQL computing the same numbers without writing anything: per partner-type and day the
  unknowing-subscription tickets reaching the threshold with their notifications and running total (window
  function), and per partner-type the month's ticket, late/quality and upgraded counts, revenue and
  contributions.

The order alternates between runs; the first pair is a warm-up and is not counted. The jobs run in a fresh
child process each time (timed inside it, after Django start-up), and the child reports its own high-water mark
(``VmHWM``), so the peak RSS is the jobs' own memory (Django and the application loaded included), not the SQL
result rows this script holds for the comparison. The child runs with ``DEBUG`` off unless it is set, as the
workers do: with it on, Django keeps the text of every statement (up to 9,000), megabytes for each batch INSERT.
The script checks that both produce the same numbers and prints medians, the ratio and the peak RSS.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402

RESULT_TABLES = [
    "scoring_upgradedcomplaintinclusion", "scoring_dailynotification", "scoring_monthlywarning",
    "scoring_penaltyproposal", "scoring_monthlyassessment", "core_jobrun", "core_auditevent",
]


def reset_results(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(RESULT_TABLES)} RESTART IDENTITY CASCADE")


def run_jobs(month: dt.date, entry: str = "month_end") -> None:
    """``daily``: ``daily_notifications_job`` for every day, then ``monthly_assessment_job``; ``month_end``: the
    month-end entry the commands and tasks use (``month_end_job``: all days in one pass, then the assessment)."""
    from core.months import month_end
    from scoring.services import daily_notifications_job, month_end_job, monthly_assessment_job

    if entry == "month_end":
        month_end_job(month=month)
        return
    day = month
    while day <= month_end(month):
        daily_notifications_job(day=day)
        day += dt.timedelta(days=1)
    monthly_assessment_job(month=month)


def own_peak_rss_mb() -> float:
    """This process's own peak RSS (``VmHWM``, the high-water mark of its address space). Not ``ru_maxrss``: Linux
    carries the parent's high-water mark into a child it starts (fork or vfork, then exec — what ``subprocess``
    does), so the rows this script holds for the comparison showed as the jobs' peak (360 MB "of the job" at
    10 M tickets was this script's own memory)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_jobs_in_child(month: dt.date, entry: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of the jobs in a fresh interpreter."""
    output = subprocess.run(
        [sys.executable, __file__, "--month", f"{month:%Y-%m}", "--jobs-only", entry],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return figures["seconds"], figures["peak_rss_mb"]


def run_sql(connection, month: dt.date, threshold: int, step: int) -> dict:
    from core.months import month_end

    first, last = month.isoformat(), month_end(month).isoformat()
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH daily AS (
                SELECT partner_id, cooperation_type, received_on, count(*) AS tickets
                FROM partners_complaintticket
                WHERE received_on BETWEEN %(first)s AND %(last)s AND category = 'unknowing_subscription'
                GROUP BY partner_id, cooperation_type, received_on
                HAVING count(*) >= %(threshold)s
            )
            SELECT partner_id, cooperation_type, received_on, tickets, notifications,
                   SUM(notifications) OVER (PARTITION BY partner_id, cooperation_type ORDER BY received_on)
            FROM (SELECT *, 1 + (tickets - %(threshold)s) / %(step)s AS notifications FROM daily) notified
            """,
            {"first": first, "last": last, "threshold": threshold, "step": step},
        )
        out["daily"] = cursor.fetchall()
        cursor.execute(
            """
            WITH tickets AS (
                SELECT partner_id, cooperation_type,
                       count(*) FILTER (WHERE category = 'unknowing_subscription') AS unknowing,
                       count(*) FILTER (WHERE handled_late) + count(*) FILTER (WHERE quality_failed) AS late_or_quality
                FROM partners_complaintticket WHERE received_on BETWEEN %(first)s AND %(last)s
                GROUP BY partner_id, cooperation_type
            ), upgraded AS (
                SELECT partner_id, cooperation_type, count(*) AS upgraded
                FROM partners_complaintticket WHERE upgraded_on BETWEEN %(first)s AND %(last)s
                GROUP BY partner_id, cooperation_type
            ), revenue AS (
                SELECT partner_id, cooperation_type, phone_bill + third_party + cash AS revenue
                FROM partners_monthlyrevenue WHERE month = %(first)s
            ), keys AS (
                SELECT partner_id, cooperation_type FROM tickets UNION SELECT partner_id, cooperation_type FROM revenue
                UNION SELECT partner_id, cooperation_type FROM upgraded
                UNION SELECT partner_id, cooperation_type FROM partners_contract
                      WHERE start_date <= %(last)s AND (end_date IS NULL OR end_date >= %(first)s)
            )
            SELECT k.partner_id, k.cooperation_type, coalesce(r.revenue, 0), coalesce(t.unknowing, 0),
                   coalesce(t.late_or_quality, 0), coalesce(u.upgraded, 0), c.cash_contribution, c.ad_sales,
                   c.active_users, c.marketing_resources
            FROM keys k
            LEFT JOIN tickets t USING (partner_id, cooperation_type)
            LEFT JOIN upgraded u USING (partner_id, cooperation_type)
            LEFT JOIN revenue r USING (partner_id, cooperation_type)
            LEFT JOIN partners_monthlycontribution c
                   ON c.partner_id = k.partner_id AND c.cooperation_type = k.cooperation_type AND c.month = %(first)s
            """,
            {"first": first, "last": last},
        )
        out["monthly"] = cursor.fetchall()
    return out


def check_same_numbers(sql: dict, month: dt.date) -> dict:
    """The jobs' stored results against the SQL's numbers; raises if any differs."""
    from scoring.models import DailyNotification, MonthlyAssessment, MonthlyWarning

    daily_sql = {(p, t, d): (n, k) for p, t, d, n, k, _ in sql["daily"]}
    daily_jobs = {(r.partner_id, r.cooperation_type, r.date): (r.complaint_count, r.notifications)
                  for r in DailyNotification.objects.filter(date__gte=month).iterator()}
    assert daily_jobs == daily_sql, "daily notifications differ"
    totals: dict = {}
    for p, t, _, _, _, running in sql["daily"]:
        totals[(p, t)] = max(totals.get((p, t), 0), running)
    warnings = dict(((w.partner_id, w.cooperation_type), w.notification_count)
                    for w in MonthlyWarning.objects.filter(month=month))
    assert warnings == totals, "warning totals differ"
    monthly_sql = {(row[0], row[1]): (row[2], row[3], row[4], row[5]) for row in sql["monthly"]}
    monthly_jobs = {(a.partner_id, a.cooperation_type): (a.revenue, a.complaint_count, a.late_or_quality_count,
                                                          a.upgraded_count)
                    for a in MonthlyAssessment.objects.filter(month=month)}
    assert monthly_jobs == monthly_sql, "assessment inputs differ"
    levels: dict = {}
    for w in MonthlyWarning.objects.filter(month=month):
        levels[w.level] = levels.get(w.level, 0) + 1
    return {"notification_rows": len(daily_sql), "warnings_by_level": dict(sorted(levels.items())),
            "assessments": len(monthly_jobs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--daily", action="store_true",
                        help="also time the 31 daily runs + the assessment (today's day-by-day path)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    parser.add_argument("--jobs-only", choices=["daily", "month_end"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    # as the workers run it (production settings): no log of every statement's text, see the docstring
    os.environ.setdefault("DEBUG", "0")
    django_setup()
    from django.db import connection

    from core.months import parse_month

    if args.jobs_only:
        started = time.perf_counter()
        run_jobs(parse_month(args.month), args.jobs_only)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_rss_mb": own_peak_rss_mb()}))
        return
    from bench.scoring_reference import run_reference, snapshot
    from partners.models import ComplaintTicket
    from scoring.selectors import rule_book_in_force

    month = parse_month(args.month)
    _, book = rule_book_in_force(on=month)
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    tickets = ComplaintTicket.objects.count()
    candidates = ["floor", "month_end", *(["daily"] if args.daily else []), "sql"]
    print(f"{tickets:,} tickets; month {month:%Y-%m}; {args.runs} timed runs after a warm-up; load "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)

    times: dict[str, list[float]] = {name: [] for name in candidates}
    rss: dict[str, list[float]] = {"month_end": [], "daily": []}
    rows: dict[str, dict] = {}
    floor_steps: list[dict] = []
    sql_result = None
    for run in range(args.runs + 1):
        order = candidates if run % 2 == 0 else list(reversed(candidates))
        for what in order:
            reset_results(connection)
            connection.close()  # the child writes; this connection must not hold old snapshots or locks
            if what == "sql":
                started = time.perf_counter()
                sql_result = run_sql(connection, month, threshold, step)
                elapsed = time.perf_counter() - started
            elif what == "floor":
                started = time.perf_counter()
                floor_steps.append(run_reference(connection, month))
                elapsed = time.perf_counter() - started
            else:
                elapsed, peak = run_jobs_in_child(month, what)
                rss[what].append(peak)
            if run:
                times[what].append(elapsed)
            print(f"  run {run}{' (warm-up)' if not run else ''}: {what} {elapsed:.2f} s", flush=True)
            if what != "sql" and what not in rows:
                rows[what] = snapshot(connection)
    reset_results(connection)
    run_jobs_in_child(month, "month_end")
    summary = check_same_numbers(sql_result, month)
    for name in rows:
        for table, table_rows in rows[name].items():
            assert table_rows == rows["floor"][table], f"{name}: {table} differs from the reference's rows"
    medians = {name: statistics.median(values) for name, values in times.items()}
    figures = {
        "tickets": tickets,
        **summary,
        "rows_identical": {table: len(table_rows) for table, table_rows in rows["floor"].items()},
        "medians_s": {name: round(value, 3) for name, value in medians.items()},
        "ratio_month_end_vs_floor": round(medians["month_end"] / medians["floor"], 3),
        **({"ratio_daily_vs_floor": round(medians["daily"] / medians["floor"], 3)} if args.daily else {}),
        "ratio_floor_vs_read_only_sql": round(medians["floor"] / medians["sql"], 3),
        "runs_s": {name: [round(t, 3) for t in values] for name, values in times.items()},
        "floor_steps_median_s": {step: round(statistics.median(s[step] for s in floor_steps), 3)
                                 for step in floor_steps[0]},
        "peak_rss_mb": {name: round(max(values), 1) for name, values in rss.items() if values},
        "load": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.record:
        record_figures(figures, month)


def record_figures(figures: dict, month: dt.date) -> None:
    """One row per candidate in bench/results/scoring_month_end_<tickets>.json."""
    from bench.figures import record

    size = f"{figures['tickets'] / 1e6:g} M tickets, {figures['assessments']:,} partner-types"
    floor = f"write-inclusive SQL floor (same rows): {figures['medians_s']['floor']:.2f} s"
    rows = [{
        "figure": f"month end `month_end_job`, {size}: {figures['medians_s']['month_end']:.2f} s",
        "value": "", "reference": floor, "reference_value": "",
        "ratio": f"{figures['ratio_month_end_vs_floor']:.2f}×", "target": "<= 1.5×",
    }]
    if "daily" in figures["medians_s"]:
        rows.append({
            "figure": f"month end as 31 daily runs + assessment, {size}: {figures['medians_s']['daily']:.2f} s",
            "value": "", "reference": floor, "reference_value": "",
            "ratio": f"{figures['ratio_daily_vs_floor']:.2f}×", "target": "(the day-by-day path)",
        })
    for row in rows:
        row["load"] = figures["load"]
        row["figure"], row["value"] = row["figure"].rsplit(": ", 1)
        row["reference"], row["reference_value"] = row["reference"].rsplit(": ", 1)
    record(f"scoring_month_end_{figures['tickets'] // 1_000_000}m", rows)


if __name__ == "__main__":
    main()
