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
child process each time (timed inside it, after Django start-up), so its peak RSS is the jobs' own memory, not
the SQL result rows this script holds for the comparison. The script checks that both produce the same numbers
and prints medians, the ratio and the peak RSS.
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


def run_jobs(month: dt.date) -> None:
    from core.months import month_end
    from scoring.services import daily_notifications_job, monthly_assessment_job

    day = month
    while day <= month_end(month):
        daily_notifications_job(day=day)
        day += dt.timedelta(days=1)
    monthly_assessment_job(month=month)


def run_jobs_in_child(month: dt.date) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of the jobs in a fresh interpreter."""
    output = subprocess.run(
        [sys.executable, __file__, "--month", f"{month:%Y-%m}", "--jobs-only"],
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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--jobs-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from core.months import parse_month

    if args.jobs_only:
        started = time.perf_counter()
        run_jobs(parse_month(args.month))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_rss_mb": peak}))
        return
    from partners.models import ComplaintTicket
    from scoring.selectors import rule_book_in_force

    month = parse_month(args.month)
    _, book = rule_book_in_force(on=month)
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    tickets = ComplaintTicket.objects.count()
    print(f"{tickets:,} tickets; month {month:%Y-%m}; {args.runs} timed runs after a warm-up", flush=True)

    jobs_times, sql_times, jobs_rss, sql_result = [], [], [], None
    for run in range(args.runs + 1):
        reset_results(connection)
        connection.close()  # the child writes; this connection must not hold old snapshots or locks
        order = ["sql", "jobs"] if run % 2 == 0 else ["jobs", "sql"]
        for what in order:
            if what == "sql":
                started = time.perf_counter()
                sql_result = run_sql(connection, month, threshold, step)
                elapsed = time.perf_counter() - started
            else:
                elapsed, rss = run_jobs_in_child(month)
                jobs_rss.append(rss)
            if run:
                (sql_times if what == "sql" else jobs_times).append(elapsed)
            print(f"  run {run}{' (warm-up)' if not run else ''}: {what} {elapsed:.2f} s", flush=True)
    summary = check_same_numbers(sql_result, month)
    figures = {
        "tickets": tickets,
        **summary,
        "jobs_median_s": round(statistics.median(jobs_times), 3),
        "sql_median_s": round(statistics.median(sql_times), 3),
        "ratio": round(statistics.median(jobs_times) / statistics.median(sql_times), 3),
        "jobs_runs_s": [round(t, 3) for t in jobs_times],
        "sql_runs_s": [round(t, 3) for t in sql_times],
        "jobs_peak_rss_mb": round(max(jobs_rss), 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
