"""The demo's months replayed in order, through the same jobs and services staff and the schedule use.

For each demo month M (the month after it is M+1):
- the daily notification job runs for every day of M (01:00 the next day), the daily sanctions job every day
  once grades have been issued (06:00);
- on the 5th of M+1 operations enter the staff-scored credit items and the settlement inputs, then the month-end
  jobs run (assessment, credit score, settlement);
- on the 8th of M+1 operations submit the month's results and the division leader approves them — except for
  the latest month, which is left submitted (with a few credit scores approved today) so every approver's
  inbox has work;
- control events, a major violation, company-importance evidence and business codes happen on their own days.

Each job runs inside ``core.jobs.job_run`` exactly as its management command runs it, so the demo's runs are in
the admin's job-run list (作业运行) like hand-started ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from controls.choices import ControlEventType
from controls.models import ControlEvent
from controls.services import control_event_create, extra_penalty_create
from core.approval import approval_approve, approval_bulk, approval_submit
from core.choices import ApprovalStatus
from core.months import add_months, month_end
from credit.choices import EvidenceChannel, MajorViolationCategory
from credit.models import CompanyImportanceEvidence, MajorViolation, MonthlyCreditScore
from credit.services import (
    company_importance_file,
    credit_sanctions_job,
    credit_scoring_job,
    major_violation_record,
    manual_item_keys,
    manual_item_score_set,
)
from enforcement.choices import RestrictedAction
from overrides.choices import OverrideKind
from overrides.models import DecisionOverride
from overrides.services import decision_override_create
from partners.choices import CooperationType
from partners.models import Contract, MonthlyRevenue, Partner, SubChannel
from scoring.models import DailyNotification, MonthlyAssessment, PenaltyProposal
from scoring.selectors import assessment_item_bounds, rule_book_for
from scoring.services import daily_notifications_job, monthly_assessment_job
from settlement.models import SettlementStatement, WriteDown
from settlement.services import settlement_job, write_down_record

from .clock import StaffCalendar

NOTE = "演示数据"

#: Staff-scored credit item (基础标准项) per partner: these partners' grades fall to C, D and E (R-K-RANGE), so
#: the demo shows sanctions applied by the daily job, a D-grade choice left overdue and a settlement held.
CREDIT_CAST = {
    "DEMO003": 10,  # with full health and strategic points: 460 → C, sanctions applied at their due date
    "DEMO011": 0,  # 400 → D: "suspend phone-bill charging or client promotion" waits for a choice (overdue)
    "DEMO014": 20,  # no health points: 270 → E: settlement suspended, statements held (R-S-HOLD)
}
#: The C-grade partner whose latest month is approved today: its sanctions are pending inside the deadline.
DUE_TODAY = "DEMO003"
#: China Mobile writes the whole month's revenue down for this partner: a negative settlement carried forward.
WRITE_DOWN = "DEMO005"
#: Its latest assessment has an item overridden by operations, waiting for the division leader.
OVERRIDDEN = "DEMO002"
#: A member of the related group 星河传媒集团 (DEMO012, DEMO024, …): its major violation puts linked penalties on
#: the other members (R-K-LINKED).
VIOLATOR = "DEMO024"


@dataclass
class People:
    ops: object
    ops_team: list  # colleagues of demo_ops in 运营人员: initial reviewers and the clerk who files applications
    head: object
    leader: object


@dataclass
class Replay:
    months: list[dt.date]
    calendar: StaffCalendar
    people: People
    counts: dict[str, int] = field(default_factory=dict)
    sanctions_run_through: dt.date | None = None

    @property
    def today(self) -> dt.date:
        return self.calendar.today

    def close_day(self, month: dt.date) -> dt.date:
        return self.calendar.day(add_months(month, 1) + dt.timedelta(days=4))

    def approval_day(self, month: dt.date) -> dt.date:
        return self.calendar.day(add_months(month, 1) + dt.timedelta(days=7))


def partner(code: str) -> Partner | None:
    return Partner.objects.filter(code=code).first()


def contract_of(code: str, cooperation_type: str = CooperationType.SALES_CHANNEL) -> Contract | None:
    return Contract.objects.filter(partner__code=code, cooperation_type=cooperation_type).order_by("start_date").first()


def clean_partners(*, exclude: set[str]) -> list[Partner]:
    """Partners never notified (R-D-NOTIFY) in the demo months, so no warning can suspend them (R-D-WARN),
    outside the credit cast and the violator's related group: in code order, so the choice is the same each time."""
    notified = set(DailyNotification.objects.filter(notifications__gt=0).values_list("partner_id", flat=True))
    violator = partner(VIOLATOR)
    queryset = Partner.objects.filter(code__startswith="DEMO").exclude(code__in=exclude).order_by("code")
    if violator is not None and violator.related_group_id:
        queryset = queryset.exclude(related_group_id=violator.related_group_id)
    return [p for p in queryset if p.pk not in notified]


# --- jobs, called as their commands call them ----------------------------------------------------------------


def run_sanctions_through(replay: Replay, last: dt.date) -> None:
    """The daily sanctions job for every day up to ``last``, from the first day grades were issued."""
    if replay.sanctions_run_through is None:
        return
    day = replay.sanctions_run_through + dt.timedelta(days=1)
    while day <= min(last, replay.today):
        with replay.calendar.at(day, 6):
            counts = credit_sanctions_job(day=day)
        replay.counts["sanctions_applied_by_job"] = replay.counts.get("sanctions_applied_by_job", 0) + counts["applied"]
        replay.sanctions_run_through = day
        day += dt.timedelta(days=1)


def run_daily_jobs(replay: Replay, month: dt.date) -> None:
    """The daily notification job for every day of the month, each at 01:00 the next day."""
    day = month
    while day <= month_end(month):
        with replay.calendar.at(day + dt.timedelta(days=1), 1):
            daily_notifications_job(day=day)
        day += dt.timedelta(days=1)


def close_month(replay: Replay, month: dt.date) -> None:
    """On the 5th of the next month: operations enter the month's inputs, then the month-end jobs run."""
    close = replay.close_day(month)
    with replay.calendar.at(close, 8):
        enter_month_inputs(replay, month)
    with replay.calendar.at(close, 9):
        monthly_assessment_job(month=month)
        credit_scoring_job(month=month)
        settlement_job(month=month)


# --- inputs operations enter before the month-end -------------------------------------------------------------


def enter_month_inputs(replay: Replay, month: dt.date) -> None:
    ops = replay.people.ops
    if "base_standard" in manual_item_keys(month=month):
        for code, points in CREDIT_CAST.items():
            target = partner(code)
            if target is not None:
                manual_item_score_set(partner=target, month=month, item="base_standard", points=points, actor=ops,
                                      note="基础标准项（母公司规则）评分：演示数据")
    if month == replay.months[-2]:
        contract = contract_of(WRITE_DOWN)
        revenue = MonthlyRevenue.objects.filter(
            partner=contract.partner, cooperation_type=contract.cooperation_type, month=month
        ).first() if contract else None
        if revenue is not None and not WriteDown.objects.filter(contract=contract, month=month).exists():
            write_down_record(contract=contract, month=month, amount=revenue.total,
                              reference=f"HJ-{month:%Y%m}-001", reason="中国移动核减当月全部信息费收入（演示数据）",
                              actor=ops)


# --- approvals ------------------------------------------------------------------------------------------------


def submit(queryset, *, author) -> int:
    done, _errors = approval_bulk(objs=queryset.filter(status__in=[ApprovalStatus.DRAFT, ApprovalStatus.RETURNED]),
                                  actor=author, action="submit", note=NOTE)
    return done


def approve(queryset, *, approver) -> int:
    done, _errors = approval_bulk(objs=queryset.filter(status=ApprovalStatus.SUBMITTED), actor=approver,
                                  action="approve", note=NOTE)
    return done


def month_results(month: dt.date) -> dict[str, object]:
    return {
        "assessments": MonthlyAssessment.objects.filter(month=month).order_by("pk"),
        "penalties": PenaltyProposal.objects.filter(month=month, superseded_by__isnull=True).order_by("pk"),
        "credit_scores": MonthlyCreditScore.objects.filter(month=month).order_by("pk"),
        "settlements": SettlementStatement.objects.filter(month=month).order_by("month", "pk"),
    }


def approve_month(replay: Replay, month: dt.date) -> None:
    people, latest = replay.people, month == replay.months[-1]
    day = replay.approval_day(month)
    with replay.calendar.at(day, 9):
        for name, queryset in month_results(month).items():
            replay.counts[f"submitted_{name}"] = replay.counts.get(f"submitted_{name}", 0) + submit(
                queryset, author=people.ops)
    with replay.calendar.at(day, 10):
        if latest:
            # the leader has begun the latest month: one partner's credit score is published, the rest wait
            approve(month_results(month)["credit_scores"].filter(partner__code=DUE_TODAY), approver=people.leader)
        else:
            for name, queryset in month_results(month).items():
                replay.counts[f"approved_{name}"] = replay.counts.get(f"approved_{name}", 0) + approve(
                    queryset, approver=people.leader)
    if replay.sanctions_run_through is None and MonthlyCreditScore.objects.filter(
            status=ApprovalStatus.APPROVED).exists():
        replay.sanctions_run_through = replay.calendar.day(day)


# --- control events (R-C-*), an extra penalty, company importance, a major violation ------------------------


def _sub_channel(code: str) -> SubChannel | None:
    return SubChannel.objects.filter(partner__code=code).order_by("code").first()


CONTROL_EVENTS = [
    # (partner, event type, province, day offset in the month, reference, outcome)
    ("DEMO006", ControlEventType.DIAL_PROVINCIAL, "广东", 11, "BC-GD-0611", "approved"),
    ("DEMO013", ControlEventType.GROUP_NOTICE, "", 16, "TB-JT-1316", "approved"),
    ("DEMO009", ControlEventType.SUPERVISED_PROVINCIAL, "江苏", 17, "DB-JS-0917", "submitted"),
    ("DEMO016", ControlEventType.DIAL_GROUP, "", 20, "FK-JT-1620", "submitted"),
    ("DEMO018", ControlEventType.PROVINCIAL_IMPORTANT, "浙江", 23, "ZY-ZJ-1823", "draft"),
]


def record_control_events(replay: Replay, month: dt.date, *, outcomes: set[str]) -> None:
    people = replay.people
    for code, event_type, province, offset, reference, outcome in CONTROL_EVENTS:
        if outcome not in outcomes or ControlEvent.objects.filter(reference=reference).exists():
            continue
        target, sub_channel = partner(code), _sub_channel(code)
        if target is None or sub_channel is None:
            continue
        day = month + dt.timedelta(days=offset - 1)
        with replay.calendar.at(day, 15):
            event = control_event_create(
                actor=people.ops, partner=target, cooperation_type=CooperationType.SALES_CHANNEL,
                event_type=event_type, sub_channel=sub_channel, province=province, occurred_on=day,
                reference=reference, description=f"{ControlEventType(event_type).label}（演示数据）",
            )
            if outcome in ("submitted", "approved"):
                event = approval_submit(obj=event, actor=people.ops, note=NOTE)
        if outcome == "approved":
            with replay.calendar.at(day + dt.timedelta(days=1), 11):
                approval_approve(obj=event, actor=people.head, note=NOTE)


def record_extra_penalty(replay: Replay, month: dt.date) -> None:
    """An ad-hoc extra penalty proposed by operations, waiting for the division leader (R-D-APPROVAL)."""
    event = ControlEvent.objects.filter(reference="DB-JS-0917").first()
    if event is None or event.extra_penalties.exists():
        return
    day = month + dt.timedelta(days=18)
    with replay.calendar.at(day, 16) as on:
        penalty = extra_penalty_create(
            actor=replay.people.ops, partner=event.partner, control_event=event, action=RestrictedAction.PROMOTE,
            cooperation_type=event.cooperation_type, province=event.province, starts_on=on,
            ends_on=add_months(on, 1), decision_reference="专题会纪要〔演示〕1号",
            reason="重点督办投诉涉及金额较大，追加暂停该省推广一个月（演示数据）",
        )
        approval_submit(obj=penalty, actor=replay.people.ops, note=NOTE)


def record_assessment_override(replay: Replay, month: dt.date) -> None:
    """Operations correct one item of a monthly assessment with a written reason (revenue booked late): the
    override waits for the division leader beside the month's results (R-M-APPROVAL, docs/overrides.md)."""
    assessment = MonthlyAssessment.objects.filter(
        month=month, partner__code=OVERRIDDEN, cooperation_type=CooperationType.SALES_CHANNEL,
    ).select_related("partner", "rule_set").first()
    if assessment is None or DecisionOverride.objects.filter(partner=assessment.partner, month=month).exists():
        return
    item = "revenue_score"
    low, high = assessment_item_bounds(book=rule_book_for(assessment.rule_set), item=item)
    automatic = getattr(assessment, item)
    step = Decimal("5")
    value = automatic + step if high is None or automatic + step <= high else max(low, automatic - step)
    with replay.calendar.at(replay.approval_day(month), 11):
        override = decision_override_create(
            kind=OverrideKind.ASSESSMENT_ITEM, partner=assessment.partner, cooperation_type=assessment.cooperation_type,
            month=month, item=item, value=str(value), actor=replay.people.ops,
            reason="10 月有一笔话费收入延迟到账，按省公司补录数据重新计分（演示数据）",
        )
        approval_submit(obj=override, actor=replay.people.ops, note=NOTE)


def file_company_importance(replay: Replay, month: dt.date) -> None:
    """A partner files evidence of company importance (R-K-STRATEGIC); it waits for the department head."""
    target = partner("DEMO002")
    if target is None or CompanyImportanceEvidence.objects.filter(partner=target).exists():
        return
    with replay.calendar.at(month + dt.timedelta(days=9), 14):
        evidence = company_importance_file(
            partner=target, category="cmcc_strategic_agreement", channel=EvidenceChannel.STAFF,
            description="与中国移动集团签署战略合作协议（演示数据）", evidence="协议编号 CMCC-SA-2026-017 扫描件",
            actor=replay.people.ops,
        )
        approval_submit(obj=evidence, actor=replay.people.ops, note=NOTE)


def record_major_violation(replay: Replay, month: dt.date) -> None:
    """A member of a related group leaks customer data: credit 0, terminated, linked penalties on the others."""
    violator = partner(VIOLATOR)
    if violator is None or MajorViolation.objects.filter(partner=violator).exists():
        return
    people = replay.people
    occurred = month + dt.timedelta(days=11)
    with replay.calendar.at(occurred + dt.timedelta(days=2), 15):
        violation = major_violation_record(
            partner=violator, category=MajorViolationCategory.CUSTOMER_DATA_LEAK, occurred_on=occurred,
            description="推广子渠道泄露客户订购信息，经通管局通报（演示数据）",
            evidence="通管局通报〔演示〕12号；媒体报道截图", decision="终止合作，2年内不得再次申请（R-X-EXIT）",
            actor=people.ops,
        )
        violation = approval_submit(obj=violation, actor=people.ops, note=NOTE)
    with replay.calendar.at(occurred + dt.timedelta(days=3), 10):
        approval_approve(obj=violation, actor=people.leader, note=NOTE)
