from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.jobs import JobRefused
from core.months import parse_month
from settlement.services import settlement_run_job


class Command(BaseCommand):
    help = "Compute the monthly settlement statements (R-S-*) for one month; idempotent, refuses approved changes."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, month, **options):
        try:
            day = parse_month(month)
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        with tqdm(total=0, desc=f"settlement {month}", unit="合同", disable=options["verbosity"] == 0) as bar:

            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                counts = settlement_run_job(month=day, on_progress=on_progress)
            except JobRefused as exc:
                raise CommandError(str(exc)) from None
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"{month}: {counts['contracts']} contracts, created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, deleted {counts['deleted']}, on hold {counts['on_hold']}, "
            f"stopped {counts['stopped']}, carried forward {counts['carried_forward']}, "
            f"amount due {counts['amount_due']}"
        ))
        if counts["later_drafts_to_rerun"]:
            self.stdout.write(self.style.WARNING(
                f"{counts['later_drafts_to_rerun']} later draft statements depend on this month: re-run those months."
            ))
