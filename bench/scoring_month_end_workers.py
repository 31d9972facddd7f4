"""The scoring month end through Celery: 1 worker vs 2 workers (partner shards with a final step).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_scoring REDIS_URL=redis://127.0.0.1:6379/5 \
        python bench/scoring_month_end_workers.py --runs 3 [--record]

Load the data first with ``bench/scoring_generate.py``. Starts two ``celery -A migu_ops worker --pool=solo``
processes on private queues (worker 1 consumes queues A and B, worker 2 only B), then, each run on wiped
results, times from sending ``scoring.run_month_end_sharded`` to the final step's result:

* **1 worker**: ``shards=1`` on queue A (one ``run_month_end`` task, what one machine does);
* **2 workers**: ``shards=2`` on queue B (two partner-range shards taken by the two workers, then the final step).

The order alternates between runs; the first pair is a warm-up. Prints medians and the ratio.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import ROOT, django_setup  # noqa: E402


def start_worker(name: str, queues: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "migu_ops.settings.local", "LOG_LEVEL": "WARNING"}
    with log.open("w") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "migu_ops", "worker", "--pool=solo", "-Q", ",".join(queues),
             "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL to a Redis database of your own, e.g. redis://127.0.0.1:6379/5")
    django_setup()
    from celery.result import AsyncResult
    from django.db import connection

    from bench.scoring_month_end import reset_results
    from migu_ops.celery import app
    from partners.models import ComplaintTicket
    from scoring.models import MonthlyAssessment

    tag = uuid.uuid4().hex[:6]
    queue_a, queue_b = f"bench-a-{tag}", f"bench-b-{tag}"
    logs = [Path(f"/tmp/bench-worker-{n}-{tag}.log") for n in (1, 2)]
    workers = [start_worker(f"w1-{tag}", [queue_a, queue_b], logs[0]), start_worker(f"w2-{tag}", [queue_b], logs[1])]
    tickets = ComplaintTicket.objects.count()
    cases = {"1 worker": (queue_a, 1), "2 workers": (queue_b, 2)}
    times: dict[str, list[float]] = {name: [] for name in cases}
    try:
        time.sleep(8)  # the workers connect to Redis
        print(f"{tickets:,} tickets; {args.runs} timed runs after a warm-up; load "
              f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
        for run in range(args.runs + 1):
            order = list(cases) if run % 2 == 0 else list(reversed(cases))
            for name in order:
                queue, shards = cases[name]
                reset_results(connection)
                connection.close()
                started = time.perf_counter()
                info = app.send_task("scoring.run_month_end_sharded",
                                     kwargs={"month": args.month, "shards": shards, "queue": queue},
                                     queue=queue).get(timeout=600)
                result = AsyncResult(info["collect_task_id"], app=app).get(timeout=1800)
                elapsed = time.perf_counter() - started
                assert result["assessed"] == MonthlyAssessment.objects.count(), result
                if run:
                    times[name].append(elapsed)
                print(f"  run {run}{' (warm-up)' if not run else ''}: {name} ({info['shards']} shard(s)) "
                      f"{elapsed:.2f} s", flush=True)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        for log in logs:
            log.unlink(missing_ok=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    figures = {
        "tickets": tickets,
        "medians_s": {name: round(value, 3) for name, value in medians.items()},
        "speed-up (1 worker / 2 workers)": round(medians["1 worker"] / medians["2 workers"], 3),
        "runs_s": {name: [round(t, 3) for t in values] for name, values in times.items()},
        "cpus": os.cpu_count(),
        "load": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.record:
        from bench.figures import record

        record(f"scoring_month_end_workers_{tickets // 1_000_000}m", [{
            "figure": f"month end through Celery, 2 workers × 1 shard each, {tickets / 1e6:g} M tickets",
            "value": f"{medians['2 workers']:.2f} s", "reference": "1 worker, one task",
            "reference_value": f"{medians['1 worker']:.2f} s",
            "ratio": f"{medians['1 worker'] / medians['2 workers']:.2f}× faster", "target": "faster with 2 workers",
        }])


if __name__ == "__main__":
    main()
