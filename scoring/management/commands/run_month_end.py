from core.jobcommand import JobCommand
from scoring.services import month_end_job


class Command(JobCommand):
    help = ("月末一次完成某月的每日通报（R-D-NOTIFY）、预警与处罚建议（R-D-WARN）和月度考核（R-M-*）草稿，"
            "结果与逐日运行相同。可重复执行；不会覆盖已审批或待审批的结果。")
    period = "month"
    bar_label = "月末"
    refused_format = "已拒绝：{exc}"

    def run(self, value, *, on_progress, options):
        return month_end_job(month=value, on_progress=on_progress)
