"""Celery task: a thin wrapper around ``backtest_job``."""

from django.utils import timezone

from core.months import parse_month, previous_month
from core.tasks import job_task, task_user
from scoring.choices import RuleSetStatus
from scoring.models import RuleSet

from .services import backtest_job, backtest_months


@job_task(name="backtest.run_backtest", hard_limit=2 * 60 * 60, idempotent=False)
def run_backtest(self, month: str | None = None, rule_set: int | None = None, month_from: str | None = None,
                 user_id=None) -> dict:
    """Back-test a draft rule set (``rule_set`` = version; by default the newest draft) from ``month_from``
    (default: ``month``) to ``month`` (default: the last complete month)."""
    last = parse_month(month) if month else previous_month(timezone.localdate())
    first = parse_month(month_from) if month_from else last
    drafts = RuleSet.objects.filter(status=RuleSetStatus.DRAFT)
    target = drafts.get(version=rule_set) if rule_set else drafts.order_by("-version").first()
    if target is None:
        return {"skipped": "没有草稿规则集可回测"}
    return backtest_job(rule_set=target, months=backtest_months(month_from=first, month_to=last),
                        user=task_user(user_id))
