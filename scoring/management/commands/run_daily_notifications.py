from core.jobcommand import JobCommand
from scoring.services import daily_notifications_job


class Command(JobCommand):
    help = "统计某日不知情订购投诉通报（R-D-NOTIFY），并更新当月预警与处罚建议（R-D-WARN）。可重复执行。"
    period = "date"
    period_help = "YYYY-MM-DD（投诉受理日期）"
    bar_label = "通报"
    refused_format = "已拒绝：{exc}"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--refresh-month", action="store_true",
            help="重算当月全部合作方的预警与处罚建议（默认只重算当日通报有变化的合作方）",
        )

    def run(self, value, *, on_progress, options):
        return daily_notifications_job(day=value, on_progress=on_progress, refresh_month=options["refresh_month"])
