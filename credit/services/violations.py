"""Major violations (R-X-MAJOR, R-X-EXIT, R-K-MAJOR, R-K-LINKED): the score set to 0, termination, the re-entry
ban and the linked penalties of the related companies."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.rulebook import add_duration
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.services import restriction_create, restriction_lift
from partners.models import Partner
from partners.services import partner_reentry_ban, partner_terminate
from scoring.selectors import rule_book_in_force
from scoring.services import rule_set_mark_used

from ..choices import SANCTION_ACTIONS, SanctionStatus
from ..models import CreditSanction, MajorViolation, MonthlyCreditScore
from .monthly import _major_violation_values
from .sanctions import credit_sanction_cancel, credit_sanction_end

# --- major violations (R-X-MAJOR, R-X-EXIT, R-K-MAJOR, R-K-LINKED) ----------------------------------

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


def major_violation_approved(*, obj: MajorViolation, actor) -> None:
    obj.effective_on = obj.effective_on or timezone.localdate()
    obj.save(update_fields=["effective_on"])
    on = obj.effective_on
    rule_set, book = rule_book_in_force(on=on)
    partner = obj.partner
    exit_rule = book.rule_id("reentry_ban")
    reason = f"重大违规：{obj.get_category_display()}（{on:%Y-%m-%d} 决定）"

    _credit_score_set_by_major_violation(violation=obj, actor=actor)
    for pending in CreditSanction.objects.filter(origin_partner=partner, status=SanctionStatus.PENDING):
        credit_sanction_cancel(sanction=pending, on=on, actor=actor, reason=f"{reason}，由终止合作措施取代")

    partner_terminate(partner=partner, on=on, actor=actor, rule_id=exit_rule, reason=reason)
    restriction_create(partner=partner, action=RestrictedAction.ALL_COOPERATION, starts_on=on, ends_on=None,
                       rule_id=exit_rule, source=obj, source_key="exit:terminate", reason=reason, actor=actor)
    restriction_create(partner=partner, action=RestrictedAction.SETTLEMENT, starts_on=on.replace(day=1),
                       ends_on=None, rule_id=exit_rule, source=obj, source_key="exit:settlement",
                       reason=f"{reason}，自当月起停止结算", actor=actor)
    partner_reentry_ban(partner=partner, until=add_duration(on, book.duration("reentry_ban")), actor=actor,
                        rule_id=exit_rule, reason=reason)

    if partner.related_group_id:
        linked_rule = book.rule_id("credit_linked_sanctions")
        for other in Partner.objects.filter(related_group_id=partner.related_group_id).exclude(pk=partner.pk):
            for code in book.items("credit_linked_sanctions"):
                for action in SANCTION_ACTIONS[code][:1]:
                    restriction_create(
                        partner=other, action=action, starts_on=on, ends_on=None, rule_id=linked_rule,
                        source=obj, source_key=f"linked:{other.pk}:{code}", actor=actor,
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
