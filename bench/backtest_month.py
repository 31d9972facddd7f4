"""Time a back-test of one month against the real month-end jobs on the same data (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_scoring \
        python bench/scoring_generate.py --preset small                # 1,000 partner-types, 1 M tickets
    DATABASE_URL=… python bench/backtest_month.py --runs 3 [--month 2026-10]

Each run, in a fresh child process each (timed inside it, after Django start-up):

* **jobs**: the results of the month are wiped, then the real month end runs as the schedule runs it —
  ``daily_notifications_job`` for every day, ``monthly_assessment_job``, ``credit_scoring_job``,
  ``settlement_job`` — leaving the month's results in place (the "published" side of the back-test);
* **backtest**: ``backtest.services.backtest_job`` of a draft that moves the revenue brackets (R-M-REV) over
  that month: the same four jobs inside a rolled-back transaction with the draft in force, plus reading the
  results before and after and writing the report.

The first pair is a warm-up and is not counted; medians of the timed runs and the ratio backtest / jobs are
printed. The script checks that the back-test left the month's results exactly as the jobs wrote them.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402

RESULT_TABLES = [
    "scoring_upgradedcomplaintinclusion", "scoring_dailynotification", "scoring_monthlywarning",
    "scoring_penaltyproposal", "scoring_monthlyassessment", "credit_creditsanction", "credit_monthlycreditscore",
    "settlement_settlementstatement", "backtest_backtestrow", "backtest_backtestreport", "core_jobrun",
    "core_auditevent",
]
CHECKED_TABLES = ["scoring_dailynotification", "scoring_monthlywarning", "scoring_penaltyproposal",
                  "scoring_monthlyassessment", "credit_monthlycreditscore", "settlement_settlementstatement"]
DRAFT_NAME = "bench: revenue brackets moved"
DRAFT_BRACKETS = {"thresholds": [50000, 500000, 1000000, 2000000], "points": [0, 20, 30, 40, 50], "closed": "left"}


def draft_rule_set():
    from scoring.models import RuleSet
    from scoring.selectors import active_rule_sets
    from scoring.services import rule_entry_update, rule_set_copy_as_draft

    draft = RuleSet.objects.filter(name=DRAFT_NAME, status="draft").first()
    if draft is None:
        draft = rule_set_copy_as_draft(source=active_rule_sets().first(), name=DRAFT_NAME)
        rule_entry_update(entry=draft.entries.get(key="revenue_score_brackets"), value=DRAFT_BRACKETS)
    return draft


def results_digest(connection) -> str:
    """A digest of every column of the month's result rows (computed_at included)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in CHECKED_TABLES:
            cursor.execute(f"SELECT t::text FROM {table} t ORDER BY id")
            for (row,) in cursor.fetchall():
                digest.update(row.encode())
    return digest.hexdigest()


def child(what: str, month: dt.date) -> dict:
    from django.db import connection

    from core.months import month_end

    if what == "jobs":
        from credit.services import credit_scoring_job
        from scoring.services import daily_notifications_job, monthly_assessment_job
        from settlement.services import settlement_job

        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(RESULT_TABLES)} RESTART IDENTITY CASCADE")
        started = time.perf_counter()
        day = month
        while day <= month_end(month):
            daily_notifications_job(day=day)
            day += dt.timedelta(days=1)
        monthly_assessment_job(month=month)
        credit_scoring_job(month=month)
        settlement_job(month=month)
        return {"seconds": time.perf_counter() - started}
    from backtest.services import backtest_job

    draft = draft_rule_set()
    before = results_digest(connection)
    started = time.perf_counter()
    counts = backtest_job(rule_set=draft, months=[month])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "unchanged": results_digest(connection) == before, "counts": counts}


def run_child(what: str, month: dt.date) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--month", f"{month:%Y-%m}", "--child", what],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", choices=["jobs", "backtest"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    django_setup()
    from core.months import parse_month

    month = parse_month(args.month)
    if args.child:
        print(json.dumps(child(args.child, month), default=str))
        return
    from partners.models import ComplaintTicket, Contract

    print(f"{ComplaintTicket.objects.count():,} tickets, {Contract.objects.count():,} contracts; month "
          f"{month:%Y-%m}; {args.runs} timed runs after a warm-up", flush=True)
    jobs_times, backtest_times, last = [], [], {}
    for run in range(args.runs + 1):
        jobs = run_child("jobs", month)
        last = run_child("backtest", month)
        assert last["unchanged"], "the back-test changed the month's results"
        label = " (warm-up)" if not run else ""
        print(f"  run {run}{label}: jobs {jobs['seconds']:.2f} s, backtest {last['seconds']:.2f} s", flush=True)
        if run:
            jobs_times.append(jobs["seconds"])
            backtest_times.append(last["seconds"])
    figures = {
        "jobs_median_s": round(statistics.median(jobs_times), 3),
        "backtest_median_s": round(statistics.median(backtest_times), 3),
        "ratio": round(statistics.median(backtest_times) / statistics.median(jobs_times), 3),
        "jobs_runs_s": [round(t, 3) for t in jobs_times],
        "backtest_runs_s": [round(t, 3) for t in backtest_times],
        "report": last["counts"],
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
