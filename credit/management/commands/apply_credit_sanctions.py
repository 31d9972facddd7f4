from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import job_run
from core.months import parse_date
from credit.services import credit_sanctions_daily


class Command(BaseCommand):
    help = "执行到期的信用处罚（R-K-DEADLINE），并结束已终止合作的相关处罚（R-K-AFTER-END）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD（默认今天）")

    def handle(self, *args, date: str | None = None, **options):
        try:
            day = parse_date(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        with job_run(job="apply_credit_sanctions", key=day.isoformat()) as progress:
            counts = progress.run.counts = credit_sanctions_daily(on=day)
        self.stdout.write(self.style.SUCCESS(
            f"{day}: 执行 {counts['applied']} 项，待选择 {counts['waiting_for_choice']} 项，"
            f"随合作终止结束 {counts['ended_with_cooperation']} 项"
        ))
