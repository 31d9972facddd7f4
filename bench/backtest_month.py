"""Time a back-test of one month against the real month-end jobs on the same data (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_scoring \
        python bench/scoring_generate.py --preset small                # 1,000 partner-types, 1 M tickets
    DATABASE_URL=… python bench/backtest_month.py --runs 3 [--month 2026-10]

Each run, in a fresh child process each (timed inside it, after Django start-up):

* **jobs**: the results of the month are wiped, then the real month end runs — ``month_end_job`` (the month's
  notifications, warnings, proposals and assessment in one pass, the rows the 31 daily runs and the assessment
  job leave), ``credit_scoring_job``, ``settlement_job`` — leaving the month's results in place (the
  "published" side of the back-test);
* **rerun**: the same four jobs again on the results they left (the idempotent second run: nothing changes);
* **backtest**: ``backtest.services.backtest_job`` of a draft that moves the revenue brackets (R-M-REV) over
  that month: the same four jobs inside a rolled-back transaction with the draft in force, plus reading the
  results before and after and writing the report.

The first pair is a warm-up and is not counted; the timed pairs alternate their order (jobs, rerun, backtest;
then backtest, jobs, rerun — the back-test then reads the results the previous pair's jobs left, the same rows).
Medians of the timed runs and the ratios backtest / jobs and rerun / jobs are printed (``--record`` writes them to
``bench/results/backtest_month.json``). The script checks that the back-test left the month's results exactly as
the jobs wrote them and that the re-run left them unchanged.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
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


def results_digest(connection, *, stable: bool = False) -> str:
    """A digest of every column of the month's result rows (computed_at included, unless ``stable``: a re-run
    may stamp the time it looked at a row it left unchanged)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in CHECKED_TABLES:
            row = "(to_jsonb(t) - 'computed_at')::text" if stable else "t::text"
            cursor.execute(f"SELECT {row} FROM {table} t ORDER BY id")
            for (row,) in cursor.fetchall():
                digest.update(row.encode())
    return digest.hexdigest()


def child(what: str, month: dt.date) -> dict:
    from django.db import connection


    if what in ("jobs", "rerun"):
        from credit.services import credit_scoring_job
        from scoring.services import month_end_job
        from settlement.services import settlement_job

        before = None
        if what == "jobs":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(RESULT_TABLES)} RESTART IDENTITY CASCADE")
        else:
            before = results_digest(connection, stable=True)
        started = time.perf_counter()
        month_end_job(month=month)
        credit_scoring_job(month=month)
        settlement_job(month=month)
        seconds = time.perf_counter() - started
        if before is None:
            return {"seconds": seconds}
        return {"seconds": seconds, "unchanged": results_digest(connection, stable=True) == before}
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
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    parser.add_argument("--child", choices=["jobs", "rerun", "backtest"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    django_setup()
    from core.months import parse_month

    month = parse_month(args.month)
    if args.child:
        print(json.dumps(child(args.child, month), default=str))
        return
    from partners.models import ComplaintTicket, Contract

    tickets, contracts = ComplaintTicket.objects.count(), Contract.objects.count()
    print(f"{tickets:,} tickets, {contracts:,} contracts; month "
          f"{month:%Y-%m}; {args.runs} timed runs after a warm-up", flush=True)
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    times: dict[str, list[float]] = {"jobs": [], "rerun": [], "backtest": []}
    last: dict = {}
    for run in range(args.runs + 1):
        order = ["jobs", "rerun", "backtest"] if run % 2 == 0 else ["backtest", "jobs", "rerun"]
        measured = {}
        for what in order:
            result = run_child(what, month)
            if what == "backtest":
                assert result["unchanged"], "the back-test changed the month's results"
                last = result
            if what == "rerun":
                assert result["unchanged"], "the re-run of the jobs changed the month's results"
            measured[what] = result["seconds"]
        label = " (warm-up)" if not run else ""
        print(f"  run {run}{label}: " + ", ".join(f"{what} {measured[what]:.2f} s" for what in order), flush=True)
        if run:
            for what, seconds in measured.items():
                times[what].append(seconds)
    from bench._paired import figure, medians, pair_ratio

    median = medians(times)
    figures = {
        "jobs_median_s": round(median["jobs"], 3),
        "rerun_median_s": round(median["rerun"], 3),
        "backtest_median_s": round(median["backtest"], 3),
        "ratio": round(pair_ratio(times, "backtest", "jobs"), 3),
        "rerun_ratio": round(pair_ratio(times, "rerun", "jobs"), 3),
        "jobs_runs_s": [round(t, 3) for t in times["jobs"]],
        "rerun_runs_s": [round(t, 3) for t in times["rerun"]],
        "backtest_runs_s": [round(t, 3) for t in times["backtest"]],
        "report": last["counts"],
        "load": f"{load_before} before, " + " ".join(f"{value:.2f}" for value in os.getloadavg()) + " after",
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.record:
        from bench.figures import record

        size = f"{tickets:,} tickets, {contracts:,} contracts"
        record("backtest_month", [
            figure(figure=f"back-test of {month:%Y-%m}, {size}", value=median["backtest"],
                   reference="the month-end jobs on the same data", reference_value=median["jobs"],
                   target="<= 1.5×", what="the jobs", ratio=figures["ratio"]),
            figure(figure=f"month-end jobs re-run (idempotent), {size}", value=median["rerun"],
                   reference="their first run", reference_value=median["jobs"], what="the first run",
                   ratio=figures["rerun_ratio"]),
        ])


if __name__ == "__main__":
    main()
