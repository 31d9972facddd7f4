from django.core.management.base import BaseCommand

from partners.demo import demo_seed


class Command(BaseCommand):
    help = "Load a believable, deterministic demo dataset (idempotent: re-running changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=50)
        parser.add_argument("--months", type=int, default=4, help="full months before the current one")

    def handle(self, *args, partners, months, **options):
        counts = demo_seed(partner_count=partners, months=months)
        self.stdout.write(self.style.SUCCESS("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items())))
