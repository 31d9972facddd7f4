"""Sanctions of the grade on approval and their life cycle (R-K-RANGE, R-K-DEADLINE, R-K-LINKED)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.rulebook import RuleBook, add_duration
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create, restrictions_lift_for_source
from partners.models import Contract, Partner
from partners.services import partner_terminate
from scoring.choices import DurationUnit
from scoring.selectors import rule_book_for, rule_book_in_force
from scoring.services import rule_set_mark_used

from ..choices import SANCTION_ACTIONS, CreditGrade, SanctionCode, SanctionStatus
from ..models import CreditSanction, MonthlyCreditScore
from ..rules import grade_sanction_codes
from ..workdays import add_working_days

# --- approval: sanctions of the grade (R-K-RANGE, R-K-DEADLINE, R-K-LINKED) --------------------------------------

def credit_score_approved(*, obj: MonthlyCreditScore, actor) -> None:
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    if obj.major_violation_id:
        return  # the major violation's own measures apply (R-X-EXIT)
    issued_on = timezone.localdate(obj.approved_at) if obj.approved_at else timezone.localdate()
    issued = credit_sanctions_issue(score=obj, issued_on=issued_on, actor=actor)
    from .overrides import credit_sanctions_apply_overrides  # a waiver already in force (docs/overrides.md)

    credit_sanctions_apply_overrides(sanctions=issued, actor=actor)


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


SANCTIONS_JOB_NAME = "apply_credit_sanctions"


def credit_sanctions_job(*, day: dt.date, user=None, on_progress=None) -> dict[str, int]:
    """The daily sanctions job as the command, the Celery task and the admin run it (a recorded job run)."""
    from core.jobs import job_run

    with job_run(job=SANCTIONS_JOB_NAME, key=day.isoformat(), user=user, on_progress=on_progress) as progress:
        counts = progress.run.counts = credit_sanctions_daily(on=day, actor=user)
    return counts


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
