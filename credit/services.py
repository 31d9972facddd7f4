"""Writes of the credit app: the monthly job, sanctions, major violations, company importance, manual items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.jobs import JobProgress, JobRefused
from core.months import add_months, format_month
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.services import restriction_create, restriction_lift, restrictions_lift_for_source
from partners.choices import PartnerStatus
from partners.models import Contract, Partner
from scoring.choices import DurationUnit
from scoring.rules import RuleBook, add_duration
from scoring.selectors import rule_book_for, rule_book_in_force
from scoring.services import rule_set_mark_used

from . import selectors
from .choices import SANCTION_ACTIONS, CreditGrade, EvidenceChannel, SanctionCode, SanctionStatus
from .models import CompanyImportanceEvidence, CreditSanction, MajorViolation, ManualItemScore, MonthlyCreditScore
from .rules import as_number, compose_monthly, grade_for, grade_sanction_codes, item_type_for, q2, weighted_score
from .workdays import add_working_days

JOB_NAME = "run_credit_scoring"


# --- the monthly job (R-K-COMPOSE, R-K-WEIGHTED, R-K-RANGE, R-K-MAJOR) -------------------------------------------

def _comparable(values: dict[str, Any]) -> tuple:
    """What must not change under an approved or submitted score (detail texts may be reworded)."""
    return (
        q2(values["monthly_score"]),
        q2(values["score"]),
        values["grade"],
        tuple((i.get("item"), i["points"], i["weight"]) for i in values["items"]),
    )


def _major_violation_values(violation: MajorViolation, rule_set, book: RuleBook) -> dict[str, Any]:
    score = q2(book.number("credit_major_violation_score"))
    return {
        "weight_profile": "",
        "monthly_score": score,
        "score": score,
        "grade": grade_for(score, book),
        "items": [{
            "rule": book.rule_id("credit_major_violation_score"),
            "item": "major_violation",
            "name": "重大违规",
            "points": as_number(score),
            "weight": 1.0,
            "detail": f"重大违规（{violation.get_category_display()}，{violation.effective_on:%Y-%m-%d} 决定）"
                      f"信用积分直接置为 {score}",
        }],
        "months": [],
        "rule_set_id": rule_set.pk,
        "major_violation_id": violation.pk,
    }


def credit_scoring_compute(*, month: dt.date) -> dict[int, dict[str, Any]]:
    """The month's credit score for every partner in scope, in memory (no writes)."""
    rule_set, book = rule_book_in_force(on=month)
    facts = selectors.credit_facts_for_month(month=month)
    history = selectors.previous_monthly_scores(month=month, count=len(book.weights("credit_month_weights")) - 1)
    violations = selectors.major_violations_in_force(month=month)
    results = {}
    for partner_id, partner_facts in facts.items():
        if partner_id in violations:
            results[partner_id] = _major_violation_values(violations[partner_id], rule_set, book)
            continue
        monthly = compose_monthly(partner_facts, book)
        score, months = weighted_score(month, [monthly.monthly_score, *history.get(partner_id, [])], book)
        results[partner_id] = {
            "weight_profile": monthly.profile,
            "monthly_score": monthly.monthly_score,
            "score": score,
            "grade": grade_for(score, book),
            "items": monthly.items,
            "months": months,
            "rule_set_id": rule_set.pk,
            "major_violation_id": None,
        }
    return results


FIELDS = ["weight_profile", "monthly_score", "score", "grade", "items", "months", "rule_set_id", "major_violation_id"]


def credit_scoring_run(*, month: dt.date, progress: JobProgress | None = None) -> dict[str, int]:
    """Compute and store the month's draft credit scores; idempotent; refuses to change submitted/approved ones."""
    if month.day != 1:
        raise ValueError(f"month: {month} is not the first day of a month")
    computed = credit_scoring_compute(month=month)
    if progress:
        progress.set_total(len(computed))
    existing = {row.partner_id: row for row in MonthlyCreditScore.objects.filter(month=month)}
    locked = {ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED}
    conflicts = []
    for partner_id, row in existing.items():
        if row.status not in locked or row.major_violation_id:
            continue  # a major-violation decision is authoritative, not a computed result
        new = computed.get(partner_id)
        old = {field: getattr(row, field) for field in FIELDS}
        if new is None or _comparable(new) != _comparable(old):
            conflicts.append(row)
    if conflicts:
        codes = ", ".join(sorted(row.partner.code for row in conflicts[:10]))
        raise JobRefused(
            f"{format_month(month)} 有 {len(conflicts)} 条已提交或已审批的信用积分会被改变（{codes}），拒绝覆盖；"
            f"请先由审批人退回后再计算。"
        )

    now = timezone.now()
    counts = {"partners": len(computed), "created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    to_create, to_update = [], []
    with transaction.atomic():
        for partner_id, values in computed.items():
            row = existing.get(partner_id)
            if row is None:
                to_create.append(MonthlyCreditScore(partner_id=partner_id, month=month, computed_at=now, **values))
                continue
            if row.status in locked or row.major_violation_id:
                counts["unchanged"] += 1
                continue
            if all(getattr(row, field) == values[field] for field in FIELDS):
                counts["unchanged"] += 1
                continue
            for field, value in values.items():
                setattr(row, field, value)
            row.status, row.computed_at = ApprovalStatus.DRAFT, now
            to_update.append(row)
        stale = [row.pk for pid, row in existing.items() if pid not in computed and row.status not in locked]
        if stale:
            counts["deleted"] = MonthlyCreditScore.objects.filter(pk__in=stale).delete()[0]
        MonthlyCreditScore.objects.bulk_create(to_create, batch_size=1000)
        MonthlyCreditScore.objects.bulk_update(to_update, [*FIELDS, "status", "computed_at"], batch_size=1000)
    counts["created"], counts["updated"] = len(to_create), len(to_update)
    if progress:
        progress.advance(len(computed))
    return counts


# --- approval: sanctions of the grade (R-K-RANGE, R-K-DEADLINE, R-K-LINKED) --------------------------------------

def credit_score_on_approved(*, score: MonthlyCreditScore, actor) -> None:
    rule_set_mark_used(rule_set_id=score.rule_set_id)
    if score.major_violation_id:
        return  # the major violation's own measures apply (R-X-EXIT)
    issued_on = timezone.localdate(score.approved_at) if score.approved_at else timezone.localdate()
    credit_sanctions_issue(score=score, issued_on=issued_on, actor=actor)


def sanction_due_date(*, issued_on: dt.date, book: RuleBook) -> dt.date:
    deadline = book.duration("credit_sanction_deadline")
    if deadline["unit"] == DurationUnit.WORKING_DAYS:
        return add_working_days(issued_on, int(deadline["value"]))
    return add_duration(issued_on, deadline)


def _sanction_reason(sanction: CreditSanction) -> str:
    own = "" if not sanction.is_linked else f"关联公司 {sanction.origin_partner.code} "
    return f"{own}{sanction.month:%Y-%m} 信用等级 {sanction.grade}：{sanction.get_code_display()}"


@transaction.atomic
def credit_sanction_cancel(
    *, sanction: CreditSanction, on: dt.date, reason: str, actor=None, replaced_by: MonthlyCreditScore | None = None
) -> CreditSanction:
    if sanction.status != SanctionStatus.PENDING:
        raise ValidationError(f"status: 只能撤销待执行的处罚，当前为“{sanction.get_status_display()}”")
    before = sanction.status
    sanction.status, sanction.ended_on, sanction.end_reason = SanctionStatus.CANCELLED, on, reason
    sanction.replaced_by = replaced_by
    sanction.save(update_fields=["status", "ended_on", "end_reason", "replaced_by"])
    audit_record(obj=sanction, action="credit_sanction_cancel", actor=actor, reason=reason, rule_id="R-K-DEADLINE",
                 from_status=before, to_status=sanction.status)
    return sanction


@transaction.atomic
def credit_sanction_end(
    *, sanction: CreditSanction, on: dt.date, reason: str, actor=None, rule_id: str = "",
    replaced_by: MonthlyCreditScore | None = None,
) -> CreditSanction:
    """End an applied sanction: lift its restrictions from ``on``."""
    if sanction.status != SanctionStatus.APPLIED:
        raise ValidationError(f"status: 只能结束已执行的处罚，当前为“{sanction.get_status_display()}”")
    restrictions_lift_for_source(source=sanction, on=on, reason=reason, actor=actor)
    sanction.status, sanction.ended_on, sanction.end_reason = SanctionStatus.ENDED, on, reason
    sanction.replaced_by = replaced_by or sanction.replaced_by
    sanction.save(update_fields=["status", "ended_on", "end_reason", "replaced_by"])
    audit_record(obj=sanction, action="credit_sanction_end", actor=actor, reason=reason,
                 rule_id=rule_id or sanction.rule_id, from_status=SanctionStatus.APPLIED, to_status=sanction.status)
    return sanction


@transaction.atomic
def credit_sanctions_issue(*, score: MonthlyCreditScore, issued_on: dt.date, actor=None) -> list[CreditSanction]:
    """Create the grade's sanctions, due 5 working days after issue; a later grade replaces earlier ones."""
    book = rule_book_for(score.rule_set)
    partner = score.partner
    deadline_rule = book.rule_id("credit_sanction_deadline")
    if MonthlyCreditScore.objects.filter(
        partner=partner, month__gt=score.month, status=ApprovalStatus.APPROVED
    ).exists():
        audit_record(obj=score, action="credit_sanctions_skip", actor=actor, rule_id=deadline_rule,
                     reason="已有更晚月份的已发布等级，以最新等级为准，本月等级不再产生处罚")
        return []

    codes = grade_sanction_codes(score.grade, book)
    due_on = sanction_due_date(issued_on=issued_on, book=book)

    # R-K-DEADLINE: the latest grade wins. The partner's own earlier sanctions not yet applied are cancelled;
    # applied ones the new grade does not repeat end now, those it repeats run on until the new ones apply.
    earlier = CreditSanction.objects.filter(
        origin_partner=partner, partner=partner, month__lt=score.month,
        status__in=[SanctionStatus.PENDING, SanctionStatus.APPLIED],
    ).select_for_update()
    previous_choice = {}
    for old in earlier:
        if old.status == SanctionStatus.PENDING:
            timing = "执行期限内" if issued_on <= old.due_on else "已逾期未执行"
            credit_sanction_cancel(
                sanction=old, on=issued_on, actor=actor, replaced_by=score,
                reason=f"{score.month:%Y-%m} 等级 {score.grade} 于 {issued_on:%Y-%m-%d} 发布（{timing}），"
                       f"以最新等级为准",
            )
        elif old.code not in codes:
            credit_sanction_end(
                sanction=old, on=issued_on, actor=actor, replaced_by=score, rule_id=deadline_rule,
                reason=f"{score.month:%Y-%m} 等级 {score.grade} 不含此处罚，以最新等级为准",
            )
        if old.status in {SanctionStatus.APPLIED, SanctionStatus.ENDED} and old.action:
            previous_choice[old.code] = old.action

    created = []
    grade_rule = book.rule_id("credit_grade_sanctions")
    targets = [(partner, code, grade_rule) for code in codes]
    if score.grade == CreditGrade.X and partner.related_group_id:
        linked_rule = book.rule_id("credit_linked_sanctions")
        related = Partner.objects.filter(related_group_id=partner.related_group_id).exclude(pk=partner.pk)
        targets += [(other, code, linked_rule) for other in related for code in book.items("credit_linked_sanctions")]
    for target, code, rule_id in targets:
        candidates = SANCTION_ACTIONS[code]
        action = candidates[0] if len(candidates) == 1 else previous_choice.get(code, "")
        sanction, was_created = CreditSanction.objects.get_or_create(
            credit_score=score, partner=target, code=code,
            defaults={"origin_partner": partner, "month": score.month, "grade": score.grade, "action": action,
                      "rule_id": rule_id, "issued_on": issued_on, "due_on": due_on},
        )
        if was_created:
            audit_record(obj=sanction, action="credit_sanction_issue", actor=actor, rule_id=rule_id,
                         to_status=sanction.status, reason=f"执行期限 {due_on:%Y-%m-%d}（{deadline_rule}）")
            created.append(sanction)
    return created


@transaction.atomic
def credit_sanction_apply(*, sanction: CreditSanction, on: dt.date, actor=None, action: str = "") -> CreditSanction:
    """Apply a pending sanction: register its Restriction from ``on`` (staff, or automatically at the due date)."""
    sanction = CreditSanction.objects.select_for_update().select_related("partner", "origin_partner").get(
        pk=sanction.pk
    )
    if sanction.status != SanctionStatus.PENDING:
        raise ValidationError(f"status: 处罚当前为“{sanction.get_status_display()}”，不能执行")
    candidates = SANCTION_ACTIONS[sanction.code]
    action = action or sanction.action
    if action not in candidates:
        allowed = "、".join(str(RestrictedAction(c).label) for c in candidates)
        raise ValidationError(f"action: “{sanction.get_code_display()}”须在 {allowed} 中选择一项")
    sanction.action = action
    restriction_create(
        partner=sanction.partner, action=action, starts_on=on, ends_on=None, rule_id=sanction.rule_id,
        source=sanction, source_key=f"{sanction.code}:{action}", reason=_sanction_reason(sanction), actor=actor,
    )
    sanction.status, sanction.applied_on = SanctionStatus.APPLIED, on
    sanction.applied_by = actor if getattr(actor, "pk", None) else None
    sanction.save(update_fields=["action", "status", "applied_on", "applied_by"])
    audit_record(obj=sanction, action="credit_sanction_apply", actor=actor, rule_id=sanction.rule_id,
                 from_status=SanctionStatus.PENDING, to_status=sanction.status, reason=_sanction_reason(sanction))
    # the same sanction of an earlier grade was kept running until now (no gap, no overlap)
    for old in CreditSanction.objects.filter(
        partner=sanction.partner, origin_partner=sanction.origin_partner, code=sanction.code,
        month__lt=sanction.month, status=SanctionStatus.APPLIED,
    ):
        credit_sanction_end(sanction=old, on=on, actor=actor, replaced_by=sanction.credit_score,
                            reason=f"由 {sanction.month:%Y-%m} 等级 {sanction.grade} 的同项处罚接续")
    if sanction.code == SanctionCode.TERMINATE:
        partner_terminate(partner=sanction.partner, on=on, actor=actor, rule_id=sanction.rule_id,
                          reason=_sanction_reason(sanction))
    return sanction


@transaction.atomic
def credit_sanction_choose(*, sanction: CreditSanction, actor, action: str = "",
                           keep_after_cooperation_end: bool | None = None) -> CreditSanction:
    """Staff choose the measure of a pending sanction (one of its allowed actions) or whether it survives the end of
    the cooperation; audited."""
    sanction = CreditSanction.objects.select_for_update().get(pk=sanction.pk)
    changed = {}
    if action and action != sanction.action:
        if sanction.status != SanctionStatus.PENDING:
            raise ValidationError({"action": f"处罚当前为“{sanction.get_status_display()}”，不能改选措施"})
        if action not in SANCTION_ACTIONS[sanction.code]:
            allowed = "、".join(str(RestrictedAction(c).label) for c in SANCTION_ACTIONS[sanction.code])
            raise ValidationError({"action": f"此处罚只能选择：{allowed}"})
        sanction.action, changed["action"] = action, action
    if keep_after_cooperation_end is not None and keep_after_cooperation_end != sanction.keep_after_cooperation_end:
        sanction.keep_after_cooperation_end = keep_after_cooperation_end
        changed["keep_after_cooperation_end"] = str(keep_after_cooperation_end)
    if changed:
        sanction.save(update_fields=list(changed))
        audit_record(obj=sanction, action="credit_sanction_edit", actor=actor, rule_id=sanction.rule_id, data=changed)
    return sanction


def credit_sanctions_apply_due(*, on: dt.date, actor=None) -> dict[str, int]:
    """Daily: apply every pending sanction whose due date has come, starting on its due date.

    Sanctions that need a staff choice (grade D: phone-bill charging or client promotion) and have none stay
    pending and show as overdue in the admin.
    """
    counts = {"applied": 0, "waiting_for_choice": 0}
    due = CreditSanction.objects.filter(status=SanctionStatus.PENDING, due_on__lte=on).order_by("due_on", "id")
    for sanction in due:
        if sanction.action not in SANCTION_ACTIONS[sanction.code]:
            counts["waiting_for_choice"] += 1
            continue
        credit_sanction_apply(sanction=sanction, on=sanction.due_on, actor=actor)
        counts["applied"] += 1
    return counts


def credit_sanctions_daily(*, on: dt.date, actor=None) -> dict[str, int]:
    """The daily sanctions job: end sanctions of cooperation that has ended (R-K-AFTER-END) first, so they are
    not applied only to end at once, then apply what is due (R-K-DEADLINE)."""
    ended = credit_sanctions_end_for_ended_cooperations(on=on, actor=actor)
    return {**credit_sanctions_apply_due(on=on, actor=actor), "ended_with_cooperation": ended}


@transaction.atomic
def credit_sanctions_end_with_cooperation(*, partner: Partner, on: dt.date, actor=None, reason: str = "") -> int:
    """R-K-AFTER-END: the partner's cooperation has ended; the listed sanctions end with it unless kept by decision.

    Linked penalties on related companies are not affected: they last until the penalty is settled.
    """
    rule_set, book = rule_book_in_force(on=on)
    codes = book.items("credit_sanctions_ending_with_cooperation")
    rule_id = book.rule_id("credit_sanctions_ending_with_cooperation")
    reason = reason or f"合作已于 {on:%Y-%m-%d} 终止，该处罚随之结束（{rule_id}）"
    ended = 0
    for sanction in CreditSanction.objects.filter(
        partner=partner, origin_partner=partner, code__in=codes, keep_after_cooperation_end=False,
        status__in=[SanctionStatus.PENDING, SanctionStatus.APPLIED],
    ):
        if sanction.status == SanctionStatus.APPLIED:
            credit_sanction_end(sanction=sanction, on=on, reason=reason, actor=actor, rule_id=rule_id)
        else:
            credit_sanction_cancel(sanction=sanction, on=on, reason=reason, actor=actor)
        ended += 1
    return ended


def credit_sanctions_end_for_ended_cooperations(*, on: dt.date, actor=None) -> int:
    """Daily: find partners whose every contract has ended before ``on`` and end their R-K-AFTER-END sanctions."""
    active_on = Contract.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    candidates = (
        CreditSanction.objects.filter(
            status__in=[SanctionStatus.PENDING, SanctionStatus.APPLIED], keep_after_cooperation_end=False,
            partner_id=F("origin_partner_id"),
        )
        .exclude(partner_id__in=active_on.values("partner_id"))
        .values_list("partner_id", flat=True)
        .distinct()
    )
    last_end = dict(
        Contract.objects.filter(partner_id__in=list(candidates), end_date__isnull=False)
        .values("partner_id").annotate(last=Max("end_date")).values_list("partner_id", "last")
    )
    ended = 0
    for partner in Partner.objects.filter(pk__in=list(last_end)):
        ended_on = min(on, last_end[partner.pk] + dt.timedelta(days=1))
        ended += credit_sanctions_end_with_cooperation(partner=partner, on=ended_on, actor=actor)
    return ended


# --- termination, major violations (R-X-MAJOR, R-X-EXIT, R-K-MAJOR, R-K-LINKED) ----------------------------------

@transaction.atomic
def partner_terminate(*, partner: Partner, on: dt.date, actor=None, rule_id: str, reason: str) -> Partner:
    """End the cooperation: partner terminated, every open or later-ending contract end-dated at ``on``."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = partner.status
    ended = []
    for contract in partner.contracts.filter(Q(end_date__isnull=True) | Q(end_date__gt=on)):
        contract.end_date = max(on, contract.start_date)
        contract.save(update_fields=["end_date", "updated_at"])
        ended.append(contract.pk)
    partner.status = PartnerStatus.TERMINATED
    partner.save(update_fields=["status", "updated_at"])
    audit_record(obj=partner, action="partner_terminate", actor=actor, rule_id=rule_id, reason=reason,
                 from_status=before, to_status=partner.status, data={"contracts_end_dated": ended,
                                                                      "on": on.isoformat()})
    return partner


def _credit_score_set_by_major_violation(*, violation: MajorViolation, actor) -> MonthlyCreditScore:
    """R-K-MAJOR: the partner's credit score for the decision's month is 0 at once, published with the decision."""
    month = violation.effective_on.replace(day=1)
    rule_set, book = rule_book_in_force(on=month)
    values = _major_violation_values(violation, rule_set, book)
    now = timezone.now()
    row = MonthlyCreditScore.objects.select_for_update().filter(partner=violation.partner, month=month).first()
    before = None
    if row is None:
        row = MonthlyCreditScore(partner=violation.partner, month=month)
    else:
        before = {"score": str(row.score), "grade": row.grade, "status": row.status}
    for field, value in values.items():
        setattr(row, field, value)
    row.computed_at = now
    row.status = ApprovalStatus.APPROVED
    row.submitted_by, row.submitted_at = violation.submitted_by, violation.submitted_at
    row.approved_by, row.approved_at = (actor if getattr(actor, "pk", None) else None), now
    row.save()
    rule_set_mark_used(rule_set_id=rule_set.pk)
    audit_record(obj=row, action="credit_score_major_violation", actor=actor, rule_id=values["items"][0]["rule"],
                 to_status=row.status, reason=str(violation), data={"before": before})
    return row


def major_violation_on_approved(*, violation: MajorViolation, actor) -> None:
    violation.effective_on = violation.effective_on or timezone.localdate()
    violation.save(update_fields=["effective_on"])
    on = violation.effective_on
    rule_set, book = rule_book_in_force(on=on)
    partner = violation.partner
    exit_rule = book.rule_id("reentry_ban")
    reason = f"重大违规：{violation.get_category_display()}（{on:%Y-%m-%d} 决定）"

    _credit_score_set_by_major_violation(violation=violation, actor=actor)
    for pending in CreditSanction.objects.filter(origin_partner=partner, status=SanctionStatus.PENDING):
        credit_sanction_cancel(sanction=pending, on=on, actor=actor, reason=f"{reason}，由终止合作措施取代")

    partner_terminate(partner=partner, on=on, actor=actor, rule_id=exit_rule, reason=reason)
    restriction_create(partner=partner, action=RestrictedAction.ALL_COOPERATION, starts_on=on, ends_on=None,
                       rule_id=exit_rule, source=violation, source_key="exit:terminate", reason=reason, actor=actor)
    restriction_create(partner=partner, action=RestrictedAction.SETTLEMENT, starts_on=on.replace(day=1),
                       ends_on=None, rule_id=exit_rule, source=violation, source_key="exit:settlement",
                       reason=f"{reason}，自当月起停止结算", actor=actor)
    banned_until = add_duration(on, book.duration("reentry_ban"))
    Partner.objects.filter(pk=partner.pk).update(reentry_banned_until=banned_until)
    audit_record(obj=partner, action="partner_reentry_ban", actor=actor, rule_id=exit_rule, reason=reason,
                 data={"reentry_banned_until": banned_until.isoformat()})

    if partner.related_group_id:
        linked_rule = book.rule_id("credit_linked_sanctions")
        for other in Partner.objects.filter(related_group_id=partner.related_group_id).exclude(pk=partner.pk):
            for code in book.items("credit_linked_sanctions"):
                for action in SANCTION_ACTIONS[code][:1]:
                    restriction_create(
                        partner=other, action=action, starts_on=on, ends_on=None, rule_id=linked_rule,
                        source=violation, source_key=f"linked:{other.pk}:{code}", actor=actor,
                        reason=f"关联公司 {partner.code} {reason}，至处罚执行完毕",
                    )


@transaction.atomic
def major_violation_record(
    *, partner: Partner, category: str, occurred_on: dt.date, description: str, evidence: str, decision: str,
    effective_on: dt.date | None = None, actor=None,
) -> MajorViolation:
    violation = MajorViolation(
        partner=partner, category=category, occurred_on=occurred_on, description=description, evidence=evidence,
        decision=decision, effective_on=effective_on, recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    violation.full_clean()
    violation.save()
    audit_record(obj=violation, action="major_violation_record", actor=actor, rule_id="R-X-MAJOR",
                 to_status=violation.status, reason=description)
    return violation


@transaction.atomic
def linked_penalties_settle(*, partner: Partner, on: dt.date, note: str, actor=None) -> int:
    """The penalty is completed: lift every linked penalty (R-K-LINKED) the partner caused on related companies."""
    if not note.strip():
        raise ValidationError("note: 须填写处罚执行完毕的情况说明")
    lifted = 0
    violation_type = ContentType.objects.get_for_model(MajorViolation)
    violations = MajorViolation.objects.filter(partner=partner, status=ApprovalStatus.APPROVED)
    for restriction in Restriction.objects.filter(
        source_type=violation_type, source_id__in=[str(pk) for pk in violations.values_list("pk", flat=True)],
        source_key__startswith="linked:", lifted_on__isnull=True,
    ):
        restriction_lift(restriction=restriction, on=on, reason=f"处罚执行完毕：{note}", actor=actor)
        lifted += 1
    for sanction in CreditSanction.objects.filter(origin_partner=partner).exclude(partner=partner).filter(
        status__in=[SanctionStatus.PENDING, SanctionStatus.APPLIED]
    ):
        if sanction.status == SanctionStatus.APPLIED:
            credit_sanction_end(sanction=sanction, on=on, reason=f"处罚执行完毕：{note}", actor=actor)
        else:
            credit_sanction_cancel(sanction=sanction, on=on, reason=f"处罚执行完毕：{note}", actor=actor)
        lifted += 1
    for violation in violations.filter(penalty_settled_on__isnull=True):
        violation.penalty_settled_on, violation.penalty_settle_note = on, note
        violation.penalty_settled_by = actor if getattr(actor, "pk", None) else None
        violation.save(update_fields=["penalty_settled_on", "penalty_settle_note", "penalty_settled_by"])
        audit_record(obj=violation, action="penalty_settle", actor=actor, rule_id="R-K-LINKED", reason=note)
    audit_record(obj=partner, action="linked_penalties_settle", actor=actor, rule_id="R-K-LINKED", reason=note,
                 data={"lifted": lifted, "on": on.isoformat()})
    return lifted


# --- company importance evidence (R-K-STRATEGIC) -----------------------------------------------------------------

def importance_categories(*, on: dt.date) -> dict[str, str]:
    _, book = rule_book_in_force(on=on)
    return {row["category"]: row["name"] for row in book.rows("credit_company_importance")}


@transaction.atomic
def company_importance_file(
    *, partner: Partner, category: str, description: str, evidence: str, channel: str, actor=None,
    evidence_url: str = "", authorised_by_parent: str = "", valid_until: dt.date | None = None,
) -> CompanyImportanceEvidence:
    categories = importance_categories(on=timezone.localdate())
    if category not in categories:
        raise ValidationError({"category": f"类别须为 {', '.join(categories)} 之一，得到 '{category}'"})
    if channel not in EvidenceChannel.values:
        raise ValidationError({"channel": f"提交方式须为 {', '.join(EvidenceChannel.values)} 之一"})
    record = CompanyImportanceEvidence(
        partner=partner, category=category, description=description, evidence=evidence, evidence_url=evidence_url,
        authorised_by_parent=authorised_by_parent, channel=channel, valid_until=valid_until,
        filed_by=actor if getattr(actor, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    audit_record(obj=record, action="company_importance_file", actor=actor, rule_id="R-K-STRATEGIC",
                 to_status=record.status, reason=description)
    return record


def company_importance_on_approved(*, evidence: CompanyImportanceEvidence, actor) -> None:
    """Counts from the first day of the month after approval, never retroactively (minutes: approval_problems)."""
    approved_on = timezone.localdate(evidence.approved_at) if evidence.approved_at else timezone.localdate()
    evidence.effective_from = add_months(approved_on.replace(day=1), 1)
    if evidence.category not in importance_categories(on=evidence.effective_from):
        raise ValidationError({"category": f"类别 '{evidence.category}' 不在生效月份的规则集中"})
    evidence.save(update_fields=["effective_from"])


@transaction.atomic
def company_importance_review(
    *, evidence: CompanyImportanceEvidence, actor, minutes: str, note: str = ""
) -> CompanyImportanceEvidence:
    """The expansion centre's review: record the minutes, then approve through the one approval workflow."""
    from core.approval import approval_approve

    if not minutes.strip():
        raise ValidationError({"review_minutes": "须填写评审会议纪要"})
    CompanyImportanceEvidence.objects.filter(pk=evidence.pk).update(review_minutes=minutes)
    evidence.refresh_from_db()
    return approval_approve(obj=evidence, actor=actor, note=note or minutes)


# --- staff-entered item scores (R-K-COMPOSE base items) ----------------------------------------------------------

def manual_item_keys(*, month: dt.date) -> list[str]:
    """Configured items of the month's rule set that staff enter (no evaluator computes them)."""
    _, book = rule_book_in_force(on=month)
    return [row["item"] for row in book.rows("credit_items") if not item_type_for(row["item"]).computed]


@transaction.atomic
def manual_item_score_set(
    *, partner: Partner, month: dt.date, item: str, points: Decimal, note: str = "", actor=None
) -> ManualItemScore:
    if month.day != 1:
        raise ValidationError({"month": f"月份须为当月第一天，得到 {month}"})
    keys = manual_item_keys(month=month)
    if item not in keys:
        raise ValidationError({"item": f"'{item}' 不是 {month:%Y-%m} 规则集中需人工录入的项目（{', '.join(keys)}）"})
    points = Decimal(str(points))
    if not Decimal("0") <= points <= Decimal("100"):
        raise ValidationError({"points": f"得分须在 0–100 之间，得到 {points}"})
    record, created = ManualItemScore.objects.update_or_create(
        partner=partner, month=month, item=item,
        defaults={"points": points, "note": note, "entered_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(obj=record, action="manual_item_score_set", actor=actor, rule_id="R-K-COMPOSE",
                 reason=note, data={"points": str(points), "created": created})
    return record
