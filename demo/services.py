"""Demo: load the dataset, replay its months as staff would (jobs, entries, approvals) and leave work in every inbox.

``demo_load`` is idempotent. A completed load is recorded (``DemoLoad``) with a fingerprint of the demo version and
its size (and the day it was anchored on); loading again with the same fingerprint while the recorded row counts
still match does nothing (the fast path ``make run`` takes on an existing database), even in a later month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from codes.models import BusinessCode, CodeApplication, CodeChangeRequest, CodeMonthlyStat, CodeRecyclingProposal
from controls.models import ControlEvent, ControlMeasure, ExtraPenalty
from core.choices import ApproverRole
from core.models import JobRun
from core.months import add_months
from credit.models import CompanyImportanceEvidence, CreditSanction, MajorViolation, MonthlyCreditScore
from enforcement.models import Restriction
from overrides.models import DecisionOverride
from partners.demo import demo_seed
from partners.models import Partner
from partners.services import partner_user_create
from scoring.models import MonthlyAssessment, PenaltyProposal
from settlement.models import SettlementStatement

from . import replay as steps
from .clock import StaffCalendar
from .codes import demo_codes
from .models import DemoLoad

DEMO_PASSWORD = "demo-migu-ops"
#: Bump when the demo's content changes: an existing database then gets the new content on the next load.
DEMO_VERSION = 5
MIN_PARTNERS, MIN_MONTHS = 24, 2

#: The logins of the three roles (R-D-APPROVAL, R-M-APPROVAL, R-B-REVIEW) people try the demo with.
ROLE_LOGINS = {
    "demo_ops": ApproverRole.OPERATIONS,
    "demo_head": ApproverRole.DEPARTMENT_HEAD,
    "demo_leader": ApproverRole.DIVISION_LEADER,
}
#: demo_ops's colleagues: two more product initial reviewers (R-B-REVIEW needs three) and the clerk who files
#: code applications and change requests (nobody reviews what they filed).
OPS_TEAM = ["demo_ops_li", "demo_ops_wang", "demo_ops_zhao"]


def _demo_user(username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    if not user.is_staff or not user.check_password(DEMO_PASSWORD):
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def demo_people() -> steps.People:
    users = {name: _demo_user(name, role) for name, role in ROLE_LOGINS.items()}
    team = [_demo_user(name, ApproverRole.OPERATIONS) for name in OPS_TEAM]
    return steps.People(ops=users["demo_ops"], ops_team=team, head=users["demo_head"], leader=users["demo_leader"])


def _fingerprint(*, partner_count: int, months: int) -> str:
    """The demo stays as first loaded (anchored on that day) until its version or size changes."""
    text = f"v{DEMO_VERSION}|{partner_count}|{months}"
    return hashlib.sha256(text.encode()).hexdigest()


def _checks() -> dict[str, int]:
    """Row counts a later load compares with the recorded ones (cheap: one COUNT each)."""
    return {
        "partners": Partner.objects.filter(code__startswith="DEMO").count(),
        "assessments": MonthlyAssessment.objects.count(),
        "credit_scores": MonthlyCreditScore.objects.count(),
        "settlements": SettlementStatement.objects.count(),
        "code_applications": CodeApplication.objects.count(),
        "control_events": ControlEvent.objects.count(),
        "demo_users": get_user_model().objects.filter(username__startswith="demo_").count(),
    }


def _by_state(queryset, field: str) -> dict[str, int]:
    return {str(row[field]): row["n"] for row in queryset.values(field).annotate(n=Count("id")).order_by(field)}


def demo_contents(*, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """What the demo holds, per module and state (printed by ``seed_demo``, asserted by the tests)."""
    today = today or timezone.localdate()
    sanctions = _by_state(CreditSanction.objects.all(), "status")
    sanctions["overdue"] = CreditSanction.objects.filter(status="pending", due_on__lt=today).count()
    sanctions["due"] = CreditSanction.objects.filter(status="pending", due_on__gte=today).count()
    return {
        "assessments": _by_state(MonthlyAssessment.objects.all(), "status"),
        "penalty_proposals": _by_state(PenaltyProposal.objects.filter(superseded_by__isnull=True), "status"),
        "credit_scores": _by_state(MonthlyCreditScore.objects.all(), "status"),
        "credit_grades": _by_state(MonthlyCreditScore.objects.all(), "grade"),
        "credit_sanctions": sanctions,
        "major_violations": _by_state(MajorViolation.objects.all(), "status"),
        "linked_restrictions": {"R-K-LINKED": Restriction.objects.filter(rule_id="R-K-LINKED").count()},
        "company_importance": _by_state(CompanyImportanceEvidence.objects.all(), "status"),
        "control_events": _by_state(ControlEvent.objects.all(), "status"),
        "control_event_types": _by_state(ControlEvent.objects.all(), "event_type"),
        "control_measures": _by_state(ControlMeasure.objects.all(), "kind"),
        "extra_penalties": _by_state(ExtraPenalty.objects.all(), "status"),
        "overrides": _by_state(DecisionOverride.objects.all(), "status"),
        "settlements": {
            **_by_state(SettlementStatement.objects.all(), "status"),
            "on_hold": SettlementStatement.objects.filter(on_hold=True).count(),
            "stopped": SettlementStatement.objects.filter(stopped=True).count(),
            "carried_forward": SettlementStatement.objects.filter(carried_forward__lt=Decimal("0")).count(),
        },
        "business_codes": {**_by_state(BusinessCode.objects.all(), "status"),
                           **{f"kind_{k}": v for k, v in _by_state(BusinessCode.objects.all(), "kind").items()}},
        "code_stats": {"rows": CodeMonthlyStat.objects.count()},
        "code_applications": _by_state(CodeApplication.objects.all(), "stage"),
        "code_changes": _by_state(CodeChangeRequest.objects.all(), "status"),
        "code_recycling": _by_state(CodeRecyclingProposal.objects.all(), "status"),
        "job_runs": _by_state(JobRun.objects.all(), "job"),
    }


def demo_newspaper(*, replay: steps.Replay) -> dict[str, int]:
    """Mobile-newspaper products (RULES.md §8) on the first four demo partners, recorded by the demo's own people
    (demo_ops records and submits, demo_head approves tests and breaches, demo_leader the exit) on the demo's day:
    products at every launch stage, the catalogue, a rejection with its 3-month lock, an expiring licence."""
    from newspaper.demo import newspaper_demo_load
    from newspaper.models import NewspaperProduct

    people = replay.people
    newspaper_demo_load(today=replay.today, password=DEMO_PASSWORD, ops=people.ops, head=people.head,
                        leader=people.leader)
    return {"newspaper_products": NewspaperProduct.objects.count()}


def demo_load(*, partner_count: int = 50, months: int = 4, today: dt.date | None = None,
              with_results: bool = True, force: bool = False) -> dict[str, int]:
    today = today or timezone.localdate()
    if not with_results:
        return demo_seed(partner_count=partner_count, months=months, today=today)
    if partner_count < MIN_PARTNERS or months < MIN_MONTHS:
        raise ValidationError(
            f"演示数据至少需要 {MIN_PARTNERS} 个合作方和 {MIN_MONTHS} 个月（或只加载数据 --data-only）")
    fingerprint = _fingerprint(partner_count=partner_count, months=months)
    previous = DemoLoad.objects.filter(fingerprint=fingerprint).first()
    if previous is not None and not force and previous.checks == _checks():
        return {**previous.counts, "fast_path": 1}

    started = time.monotonic()
    counts = demo_seed(partner_count=partner_count, months=months, today=today)
    first_month = add_months(today.replace(day=1), -months)
    month_list = [add_months(first_month, i) for i in range(months)]
    calendar = StaffCalendar(today)
    with calendar.at(today, 12):
        replay = steps.Replay(months=month_list, calendar=calendar, people=demo_people())
        replay_months(replay)
        demo_codes(replay)
        partner_user_create(username="demo_partner", partner_code="DEMO001", password=DEMO_PASSWORD)
        counts.update(demo_newspaper(replay=replay))
    counts.update(replay.counts)
    DemoLoad.objects.create(
        fingerprint=fingerprint, version=DEMO_VERSION, anchor=today, partner_count=partner_count, months=months,
        counts=counts, checks=_checks(), seconds=Decimal(f"{time.monotonic() - started:.2f}"),
    )
    return counts


def replay_months(replay: steps.Replay) -> None:
    previous, latest = replay.months[-2], replay.months[-1]
    for month in replay.months:
        steps.run_daily_jobs(replay, month)
        if month == previous:
            steps.record_control_events(replay, month, outcomes={"approved"})
            steps.file_company_importance(replay, month)
        if month == latest:
            steps.record_control_events(replay, month, outcomes={"submitted", "draft"})
            steps.record_extra_penalty(replay, month)
            steps.record_major_violation(replay, month)
        steps.run_sanctions_through(replay, replay.close_day(month))
        steps.close_month(replay, month)
        steps.approve_month(replay, month)
        if month == latest:
            steps.record_assessment_override(replay, month)
    steps.run_sanctions_through(replay, replay.today)
