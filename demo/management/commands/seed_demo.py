import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, demo_contents, demo_load


class Command(BaseCommand):
    help = ("Load the deterministic demo dataset, replay its months (jobs, entries, approvals) and leave work "
            "waiting for every role; idempotent, and a no-op when the recorded demo load is unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=50)
        parser.add_argument("--months", type=int, default=4, help="full months before the current one")
        parser.add_argument("--data-only", action="store_true", help="load the data without computing results")
        parser.add_argument("--force", action="store_true", help="replay even when the recorded load is unchanged")

    def handle(self, *args, partners, months, data_only, force, **options):
        started = time.monotonic()
        try:
            counts = demo_load(partner_count=partners, months=months, with_results=not data_only, force=force)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        seconds = time.monotonic() - started
        if counts.get("fast_path"):
            self.stdout.write(self.style.SUCCESS(f"demo data unchanged (recorded load, {seconds:.1f} s)"))
        else:
            self.stdout.write(self.style.SUCCESS("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items())))
        if data_only:
            return
        if options["verbosity"] > 1 or not counts.get("fast_path"):
            for module, states in demo_contents().items():
                self.stdout.write(f"  {module}: " + ", ".join(f"{k} {v}" for k, v in states.items()))
        self.stdout.write(
            f"demo logins (password {DEMO_PASSWORD}): demo_ops 运营人员, demo_head 部门领导, demo_leader 分管领导, "
            "demo_partner → DEMO001 (API token: manage.py drf_create_token demo_partner)"
        )
