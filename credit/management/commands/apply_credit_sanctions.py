from core.jobcommand import JobCommand
from credit.services import credit_sanctions_job


class Command(JobCommand):
    help = "执行到期的信用处罚（R-K-DEADLINE），并结束已终止合作的相关处罚（R-K-AFTER-END）。"
    period = "date"
    period_required = False
    period_help = "YYYY-MM-DD（默认今天）"
    bar_label = "信用处罚"

    def run(self, value, *, on_progress, options):
        return credit_sanctions_job(day=value, on_progress=on_progress)

    def summary(self, value, counts):
        return (f"{value}: 执行 {counts['applied']} 项，待选择 {counts['waiting_for_choice']} 项，"
                f"随合作终止结束 {counts['ended_with_cooperation']} 项")
