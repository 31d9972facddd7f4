from core.jobcommand import JobCommand
from newspaper.services import documents_expiry_job


class Command(JobCommand):
    help = "标记 30/60/90 天内到期的手机报合作伙伴资质证照（R-N-QUAL，档位见规则集）；重复执行结果相同。"
    period = "date"
    period_required = False
    period_help = "YYYY-MM-DD（默认今天）"
    bar_label = "资质证照到期检查"
    bar_unit = "份"

    def run(self, value, *, on_progress, options):
        return documents_expiry_job(day=value, on_progress=on_progress)

    def summary(self, value, counts):
        return (f"{value:%Y-%m-%d}: 检查 {counts['checked']} 份，预警 {counts['flagged']} 份，"
                f"已过期 {counts['expired']} 份")
