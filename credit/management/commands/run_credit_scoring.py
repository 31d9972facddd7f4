from core.jobcommand import JobCommand
from core.months import format_month
from credit.services import credit_scoring_job


class Command(JobCommand):
    help = "计算某月的信用积分草稿（R-K-COMPOSE / R-K-WEIGHTED / R-K-RANGE）；重复执行结果相同，不覆盖已审批结果。"
    period = "month"
    bar_label = "credit"
    bar_unit = "partner"

    def run(self, value, *, on_progress, options):
        return credit_scoring_job(month=value, on_progress=on_progress)

    def summary(self, value, counts):
        return (f"{format_month(value)}: {counts['partners']} 个合作方，新增 {counts['created']}，"
                f"更新 {counts['updated']}，未变 {counts['unchanged']}，删除 {counts['deleted']}")
