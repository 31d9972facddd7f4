from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.jobs import JobRefused, job_run
from core.months import format_month, parse_month
from credit.services import JOB_NAME, credit_scoring_run


class Command(BaseCommand):
    help = "计算某月的信用积分草稿（R-K-COMPOSE / R-K-WEIGHTED / R-K-RANGE）；重复执行结果相同，不覆盖已审批结果。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, month: str, **options):
        try:
            target = parse_month(month)
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        bar = tqdm(desc=f"credit {format_month(target)}", unit="partner", disable=options["verbosity"] == 0)

        def on_progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            with job_run(job=JOB_NAME, key=format_month(target), on_progress=on_progress) as progress:
                progress.run.counts = credit_scoring_run(month=target, progress=progress)
        except JobRefused as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        counts = progress.run.counts
        self.stdout.write(self.style.SUCCESS(
            f"{format_month(target)}: {counts['partners']} 个合作方，新增 {counts['created']}，"
            f"更新 {counts['updated']}，"
            f"未变 {counts['unchanged']}，删除 {counts['deleted']}"
        ))
