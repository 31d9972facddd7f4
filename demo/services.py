"""Demo: load the dataset, run the month-end jobs over it and publish the oldest month, as staff would."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.approval import approval_bulk
from core.choices import ApprovalStatus, ApproverRole
from core.months import add_months, month_end
from credit.models import MonthlyCreditScore
from credit.services import credit_scoring_run
from partners.demo import demo_seed
from partners.services import partner_user_create
from scoring.models import MonthlyAssessment, PenaltyProposal
from scoring.services import daily_notifications_run, monthly_assessment_run
from settlement.models import SettlementStatement
from settlement.services import settlement_run

DEMO_PASSWORD = "demo-migu-ops"


def _demo_user(username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def _publish(queryset, *, author, approver) -> int:
    approval_bulk(objs=queryset.filter(status__in=[ApprovalStatus.DRAFT, ApprovalStatus.RETURNED]), actor=author,
                  action="submit", note="演示数据")
    done, _errors = approval_bulk(objs=queryset.filter(status=ApprovalStatus.SUBMITTED), actor=approver,
                                  action="approve", note="演示数据")
    return done


def demo_load(*, partner_count: int = 50, months: int = 4, today: dt.date | None = None,
              with_results: bool = True) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = demo_seed(partner_count=partner_count, months=months, today=today)
    if not with_results:
        return counts
    first_month = add_months(today.replace(day=1), -months)
    month_list = [add_months(first_month, i) for i in range(months)]
    for month in month_list:
        day = month
        while day <= month_end(month):
            daily_notifications_run(day=day)
            day += dt.timedelta(days=1)
        monthly_assessment_run(month=month)
        credit_scoring_run(month=month)
        settlement_run(month=month)

    operations = _demo_user("demo_ops", ApproverRole.OPERATIONS)
    _demo_user("demo_head", ApproverRole.DEPARTMENT_HEAD)
    leader = _demo_user("demo_leader", ApproverRole.DIVISION_LEADER)
    oldest = month_list[0]
    counts["published_assessments"] = _publish(MonthlyAssessment.objects.filter(month=oldest),
                                               author=operations, approver=leader)
    counts["published_credit_scores"] = _publish(MonthlyCreditScore.objects.filter(month=oldest),
                                                 author=operations, approver=leader)
    counts["approved_penalties"] = _publish(PenaltyProposal.objects.filter(month=oldest),
                                            author=operations, approver=leader)
    counts["approved_settlements"] = _publish(SettlementStatement.objects.filter(month=oldest),
                                              author=operations, approver=leader)
    partner_user_create(username="demo_partner", partner_code="DEMO001", password=DEMO_PASSWORD)
    return counts
