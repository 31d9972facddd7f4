from django.core.management.base import BaseCommand, CommandError

from core.jobs import JobRefused
from core.months import parse_month
from scoring.services import monthly_assessment_job

from ._progress import ProgressBar


class Command(BaseCommand):
    help = "计算某月月度考核（R-M-*）草稿。可重复执行；不会覆盖已审批或待审批的结果。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        bar = ProgressBar(f"月度考核 {month:%Y-%m}", self.stderr)
        try:
            counts = monthly_assessment_job(month=month, on_progress=bar)
        except JobRefused as exc:
            raise CommandError(f"已拒绝：{exc}") from None
        finally:
            bar.close()
        summary = ", ".join(f"{key}={value}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{month:%Y-%m}: {summary}"))
