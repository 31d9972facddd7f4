import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from codes.services import CODE_STATS_COLUMNS, ImportRowsError, code_stats_import


class Command(BaseCommand):
    help = ("Import monthly code statistics from a CSV (UTF-8, header: code, month (YYYY-MM), users, orders). "
            "All or nothing: every bad row is reported as 'row N: column: reason'.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [column for column in CODE_STATS_COLUMNS if column not in header]
            if missing:
                raise CommandError("\n".join(f"row 1: {column}: missing column" for column in missing))
            reader.fieldnames = header
            try:
                result = code_stats_import(rows=reader, dry_run=dry_run)
            except ImportRowsError as exc:
                raise CommandError("\n".join(exc.messages)) from None
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        ))
