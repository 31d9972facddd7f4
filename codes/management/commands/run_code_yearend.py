from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from codes.services import run_code_yearend
from core.jobs import JobRefused


class Command(BaseCommand):
    help = "Propose recycling for monthly codes in force over a year with a low 6-month average (R-B-YEAREND)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year that ends, e.g. 2026")

    def handle(self, *args, year, **options):
        bar = tqdm(desc=f"年末清理 {year}", unit="代码", disable=options.get("verbosity", 1) == 0)

        def on_progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            counts = run_code_yearend(year=year, on_progress=on_progress)
        except JobRefused as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(
            f"{year}: {counts['candidates']} candidates; proposals created {counts['created']}, "
            f"updated {counts['updated']}, deleted {counts['deleted']}, unchanged {counts['unchanged']}"
        ))
