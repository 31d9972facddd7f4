import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import job_run
from newspaper.services import documents_expiry_check


class Command(BaseCommand):
    help = "标记 30/60/90 天内到期的手机报合作伙伴资质证照（R-N-QUAL，档位见规则集）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date 须为 YYYY-MM-DD，得到 {options['date']!r}") from None
        with job_run(job="newspaper_documents_expiry_check", key=on.isoformat()) as progress:
            counts = documents_expiry_check(on=on)
            progress.run.counts = counts
        self.stdout.write(f"{on:%Y-%m-%d}: 检查 {counts['checked']} 份，预警 {counts['flagged']} 份，"
                          f"已过期 {counts['expired']} 份")
