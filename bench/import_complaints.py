"""Benchmark: complaint import vs PostgreSQL COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench python bench/import_complaints.py [--rows N] [--repeat R]

Uses the database in DATABASE_URL as a dedicated benchmark database (created if missing, migrated,
complaint table emptied). Writes the generated CSV to bench/data/ (git-ignored) and measures, R times:

  (a) COPY of the file into a plain ordinary table (same columns, no indexes or constraints);
  (b) ``data_file_import(kind="complaints")`` into an empty ``partners_complaintticket``;
  (c) re-import of the same file (every row unchanged);
  (d) for reference: COPY of the same rows (partner ids resolved) into a table shaped exactly like
      ``partners_complaintticket`` (its five indexes and the deferred foreign key) — what writing the rows
      costs while every index is kept up to date row by row (the import into an empty table rebuilds its
      secondary indexes after the insert instead, see docs/imports.md).

Prints medians, rows/s and the ratios import speed / COPY speed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(ROOT))

PROVINCES = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "河南", "福建", ""]
HEADER = ["ticket_id", "partner_code", "cooperation_type", "received_on", "province", "category",
          "handled_late", "quality_failed", "upgraded_on"]
PLAIN_COLUMNS = """ticket_id varchar(64), partner_code varchar(64), cooperation_type varchar(32), received_on date,
    province varchar(32), category varchar(32), handled_late boolean, quality_failed boolean, upgraded_on date"""


def partner_codes(count: int) -> list[str]:
    return [f"BENCH{n:05d}" for n in range(count)]


def generate(path: Path, rows: int, codes: list[str], seed: int = 20261001) -> None:
    """Deterministic complaint rows, like an export of the complaint system."""
    rng = random.Random(seed)
    start = dt.date(2026, 1, 1)
    days = [(start + dt.timedelta(days=n)).isoformat() for n in range(366)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for n in range(rows):
            day = rng.randrange(300)
            upgraded = days[day + rng.randrange(1, 30)] if rng.random() < 0.01 else ""
            writer.writerow([
                f"T{n:010d}",
                codes[rng.randrange(len(codes))],
                "sales_channel" if rng.random() < 0.7 else "joint_membership",
                days[day],
                PROVINCES[rng.randrange(len(PROVINCES))],
                "unknowing_subscription" if rng.random() < 0.8 else "other",
                "true" if rng.random() < 0.05 else "false",
                "1" if rng.random() < 0.03 else "0",
                upgraded,
            ])
    tmp.replace(path)


def with_partner_ids(source: Path, target: Path, ids: dict[str, int]) -> None:
    """The same rows with partner ids, for the COPY into the table shaped like the real one."""
    with source.open(encoding="utf-8", newline="") as src, target.open("w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(src), csv.writer(out, lineterminator="\n")
        next(reader)
        for row in reader:
            row[1] = ids[row[1]]
            writer.writerow(row)


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username, password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(func) -> tuple[float, object]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--partners", type=int, default=500)
    parser.add_argument("--record", action="store_true",
                        help="write the figures to bench/results/ for the table of bench/README.md (bench/figures.py)")
    parser.add_argument("--profile", action="store_true", help="cProfile one import and print the top functions")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL database dedicated to the benchmark", file=sys.stderr)
        return 2
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from partners.imports.services import data_file_import
    from partners.models import ComplaintTicket, Partner

    phases: list[tuple[float, float, float]] = []

    class PhaseLog(logging.Handler):
        """Collects the complaint writer's phase timings (staged, duplicates, upsert)."""

        def emit(self, record):
            phases.append(tuple(record.args[2:5]))

    logging.getLogger().setLevel(logging.WARNING)
    writer_log = logging.getLogger("partners.imports.writers")
    writer_log.setLevel(logging.INFO)
    writer_log.addHandler(PhaseLog())
    writer_log.propagate = False

    call_command("migrate", verbosity=0)
    codes = partner_codes(args.partners)
    Partner.objects.bulk_create([Partner(code=code, name=f"压测{code}") for code in codes], ignore_conflicts=True)
    ids = dict(Partner.objects.filter(code__in=codes).values_list("code", "id"))

    path = DATA / f"complaints_{args.rows}.csv"
    id_path = DATA / f"complaints_{args.rows}_ids.csv"
    if not path.exists():
        print(f"generating {path} …", flush=True)
        generate(path, args.rows, codes)
    with_partner_ids(path, id_path, ids)
    size_mb = path.stat().st_size / 1e6
    print(f"{args.rows:,} rows, {size_mb:.1f} MB, {args.partners} partners; PostgreSQL "
          f"{connection.cursor().connection.server_version}", flush=True)

    table = ComplaintTicket._meta.db_table

    def sql(statement: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)

    def checkpoint() -> None:
        try:
            sql("CHECKPOINT")
        except Exception:  # noqa: BLE001 - needs superuser; only reduces noise
            pass

    def copy_plain() -> int:
        with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as source:
            cursor.copy_expert("COPY bench_copy_plain FROM STDIN WITH (FORMAT csv, HEADER true)", source)
            return cursor.rowcount

    def copy_shaped() -> int:
        columns = ", ".join(["ticket_id", "partner_id"] + HEADER[2:])
        with transaction.atomic(), connection.cursor() as cursor, id_path.open("rb") as source:
            cursor.copy_expert(
                f"COPY bench_copy_shaped ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (province))", source
            )
            return cursor.rowcount

    def run_import():
        result = data_file_import(kind="complaints", file=path)
        assert result.ok, result.errors[:5]
        return result

    if args.profile:
        import cProfile
        import pstats

        sql(f"TRUNCATE {table} CASCADE")  # bench database only: drops dependent scoring rows too
        profiler = cProfile.Profile()
        profiler.enable()
        run_import()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    load_before = load()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results: dict[str, list[float]] = {"copy": [], "import": [], "reimport": [], "copy_shaped": []}
    split: dict[str, list[tuple[float, ...]]] = {"import": [], "reimport": []}
    for attempt in range(1, args.repeat + 1):
        sql("DROP TABLE IF EXISTS bench_copy_plain")
        sql(f"CREATE TABLE bench_copy_plain ({PLAIN_COLUMNS})")
        checkpoint()
        seconds, copied = timed(copy_plain)
        assert copied == args.rows, copied
        results["copy"].append(seconds)
        sql("DROP TABLE bench_copy_plain")

        sql(f"TRUNCATE {table} CASCADE")  # bench database only: drops dependent scoring rows too
        checkpoint()
        seconds, result = timed(run_import)
        assert result.created == args.rows, (result.created, result.updated, result.unchanged)
        results["import"].append(seconds)
        split["import"].append((*phases[-1], seconds - sum(phases[-1])))

        checkpoint()
        seconds, result = timed(run_import)
        assert result.unchanged == args.rows and result.created == result.updated == 0
        results["reimport"].append(seconds)
        split["reimport"].append((*phases[-1], seconds - sum(phases[-1])))

        sql("DROP TABLE IF EXISTS bench_copy_shaped")
        sql(f"CREATE TABLE bench_copy_shaped (LIKE {table} INCLUDING ALL)")
        sql("ALTER TABLE bench_copy_shaped ADD FOREIGN KEY (partner_id) REFERENCES partners_partner (id) "
            "DEFERRABLE INITIALLY DEFERRED")
        checkpoint()
        seconds, copied = timed(copy_shaped)
        results["copy_shaped"].append(seconds)
        sql("DROP TABLE bench_copy_shaped")
        print(f"run {attempt}: " + ", ".join(f"{key} {values[-1]:.2f}s" for key, values in results.items()),
              flush=True)

    sql(f"TRUNCATE {table} CASCADE")  # bench database only: drops dependent scoring rows too
    medians = {key: statistics.median(values) for key, values in results.items()}
    labels = {
        "copy": "(a) COPY into a plain table",
        "import": "(b) import_data complaints, empty table",
        "reimport": "(c) re-import, all unchanged",
        "copy_shaped": "(d) COPY into a table shaped like the real one",
    }
    print(f"\nmedians of {args.repeat} runs, {args.rows:,} rows:")
    for key, label in labels.items():
        print(f"  {label:<50} {medians[key]:7.2f} s  {args.rows / medians[key]:>12,.0f} rows/s")
    print("\n  where the import's time goes (medians, s):  validate+stage  duplicates  upsert  commit+rest")
    for key in ("import", "reimport"):
        columns = [statistics.median(values) for values in zip(*split[key], strict=True)]
        print(f"    {key:<41} " + "  ".join(f"{value:>10.2f}" for value in columns))
    print()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {rss_before:.0f} MB before the runs, {rss_after:.0f} MB after")
    print()
    print(f"  ratio (b) import / (a) COPY speed:        {medians['copy'] / medians['import']:.1%}   (target >= 50%)")
    print(f"  ratio (c) re-import / (a) COPY speed:     {medians['copy'] / medians['reimport']:.1%}   (target >= 50%)")
    print(f"  ratio (b) import / (d) shaped COPY speed: {medians['copy_shaped'] / medians['import']:.1%}")
    print(f"  ratio (d) shaped COPY / (a) COPY speed:   {medians['copy'] / medians['copy_shaped']:.1%}"
          "   (the real table's indexes kept up to date row by row)")
    print(f"  machine load (1/5/15 min): {load_before} before, {load()} after; {os.cpu_count()} CPUs")
    if args.record:
        from bench.figures import record

        copy = f"{medians['copy']:.2f} s"
        rows = f"{args.rows:,} rows"
        record("import_complaints", [
            {"figure": f"import, empty table, {rows}", "value": f"{medians['import']:.2f} s",
             "reference": "plain COPY", "reference_value": copy,
             "ratio": f"{medians['copy'] / medians['import']:.1%} of COPY speed", "target": ">= 50%"},
            {"figure": f"re-import, all unchanged, {rows}", "value": f"{medians['reimport']:.2f} s",
             "reference": "plain COPY", "reference_value": copy,
             "ratio": f"{medians['copy'] / medians['reimport']:.1%} of COPY speed", "target": ">= 50%"},
            {"figure": f"COPY into the real table's shape, {rows}", "value": f"{medians['copy_shaped']:.2f} s",
             "reference": "plain COPY", "reference_value": copy,
             "ratio": f"{medians['copy'] / medians['copy_shaped']:.1%} of COPY speed",
             "target": "(its indexes kept up to date row by row)"},
        ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
