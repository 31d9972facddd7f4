from core.jobcommand import JobCommand
from scoring.services import monthly_assessment_job


class Command(JobCommand):
    help = "计算某月月度考核（R-M-*）草稿。可重复执行；不会覆盖已审批或待审批的结果。"
    period = "month"
    bar_label = "月度考核"
    refused_format = "已拒绝：{exc}"

    def run(self, value, *, on_progress, options):
        return monthly_assessment_job(month=value, on_progress=on_progress)
