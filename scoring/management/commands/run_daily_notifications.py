from django.core.management.base import BaseCommand, CommandError

from core.jobs import JobRefused
from core.months import parse_date
from scoring.services import daily_notifications_job

from ._progress import ProgressBar


class Command(BaseCommand):
    help = "统计某日不知情订购投诉通报（R-D-NOTIFY），并更新当月预警与处罚建议（R-D-WARN）。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD（投诉受理日期）")
        parser.add_argument(
            "--refresh-month", action="store_true",
            help="重算当月全部合作方的预警与处罚建议（默认只重算当日通报有变化的合作方）",
        )

    def handle(self, *args, **options):
        try:
            day = parse_date(options["date"])
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        bar = ProgressBar(f"通报 {day:%Y-%m-%d}", self.stderr)
        try:
            counts = daily_notifications_job(day=day, on_progress=bar, refresh_month=options["refresh_month"])
        except JobRefused as exc:
            raise CommandError(f"已拒绝：{exc}") from None
        finally:
            bar.close()
        summary = ", ".join(f"{key}={value}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{day:%Y-%m-%d}: {summary}"))
