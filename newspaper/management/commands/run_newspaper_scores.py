from django.core.management.base import BaseCommand, CommandError

from newspaper.services import operating_scores_run


class Command(BaseCommand):
    help = "计算各已上线手机报产品的年度运营分（R-N-SCORE），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options):
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("--year 须为四位年份")
        counts = operating_scores_run(year=options["year"])
        self.stdout.write(f"{options['year']}: 计算 {counts['products']} 个产品的运营分")
