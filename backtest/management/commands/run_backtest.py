from django.core.management.base import CommandError

from backtest.services import backtest_job, backtest_months
from core.jobcommand import JobCommand
from core.months import format_month, parse_month
from scoring.models import RuleSet


class Command(JobCommand):
    help = ("回测草稿规则集：以其为生效规则重算若干已结束月份的通报、预警、考核、信用积分和结算，"
            "与现有结果对比生成回测报告；不改动任何已发布或草稿结果。")
    period = "month"
    bar_label = "backtest"
    bar_unit = "step"

    def add_arguments(self, parser):
        parser.add_argument("--rule-set", required=True, type=int, help="草稿规则集版本号")
        parser.add_argument("--from", dest="month_from", required=True, help="起始月份 YYYY-MM")
        parser.add_argument("--to", dest="month", required=True, help="截止月份 YYYY-MM")

    def run(self, value, *, on_progress, options):
        try:
            first = parse_month(options["month_from"])
        except ValueError as exc:
            raise CommandError(f"--from: {exc}") from None
        if first > value:
            raise CommandError("--from 不能晚于 --to")
        rule_set = RuleSet.objects.filter(version=options["rule_set"]).first()
        if rule_set is None:
            raise CommandError(f"--rule-set: 没有版本 v{options['rule_set']}")
        self._first = first
        return backtest_job(rule_set=rule_set, months=backtest_months(month_from=first, month_to=value),
                            on_progress=on_progress)

    def bar_description(self, value) -> str:
        return f"{self.bar_label} ..{format_month(value)}"

    def summary(self, value, counts):
        return (f"回测报告 #{counts['report']}（{format_month(self._first)}–{format_month(value)}）："
                f"{counts['rows']} 行，{counts['rows_changed']} 行有变化；等级变化 {counts['partners_grade_changed']} "
                f"个合作方，预警级别变化 {counts['partners_warning_changed']} 个，应付变化 "
                f"{counts['partners_payout_changed']} 个，应付合计变化 {counts['payout_change']} 元")
