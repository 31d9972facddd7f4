from core.jobcommand import JobCommand
from newspaper.services import operating_scores_job


class Command(JobCommand):
    help = "计算各已上线手机报产品的年度运营分（R-N-SCORE）；重复执行结果相同。"
    period = "year"
    period_help = "YYYY，例如 2026"
    bar_label = "手机报运营分"
    bar_unit = "产品"

    def run(self, value, *, on_progress, options):
        return operating_scores_job(year=value, on_progress=on_progress)

    def summary(self, value, counts):
        return f"{value}: 计算 {counts['products']} 个产品的运营分"
