from django.core.management.base import BaseCommand

from demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the deterministic demo dataset, compute its months and publish the oldest (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=50)
        parser.add_argument("--months", type=int, default=4, help="full months before the current one")
        parser.add_argument("--data-only", action="store_true", help="load the data without computing results")

    def handle(self, *args, partners, months, data_only, **options):
        counts = demo_load(partner_count=partners, months=months, with_results=not data_only)
        self.stdout.write(self.style.SUCCESS("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items())))
        if not data_only:
            self.stdout.write(
                f"demo logins (password {DEMO_PASSWORD}): demo_ops 运营人员, demo_head 部门领导, demo_leader 分管领导, "
                "demo_partner → DEMO001 (API token: manage.py drf_create_token demo_partner)"
            )
