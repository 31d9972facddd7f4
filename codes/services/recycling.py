"""Recycling proposals (R-B-YEAREND, R-B-EXIT, R-B-CHANGE "codes no longer used are recycled"): kept in step with
what the rules propose, raised by hand, carried out on approval; a partner's exit and the proposals it leads to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.jobs import JobRefused
from core.rulebook import breakdown_item
from partners.models import Partner
from scoring.selectors import rule_book_in_force
from scoring.services import rule_set_mark_used

from .. import rules, selectors
from ..choices import (
    ALLOCATED_STATUSES,
    CodeStatus,
    ExitReason,
    ProposalAction,
    ProposalTrigger,
)
from ..models import (
    BusinessCode,
    CodeRecyclingProposal,
    PartnerExit,
)
from .lifecycle import _code_transition

# Recycling proposals (R-B-YEAREND, R-B-EXIT, R-B-CHANGE "codes no longer used are recycled") ------------

_PROTECTED = (ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED)
_COMPARED = ("action", "rule_id", "users", "average_users", "unsubscribe_batches", "items", "rule_set_id")


def _proposals_sync(*, trigger: str, key: str, desired: dict[int, dict[str, Any]],
                    partner_exit: PartnerExit | None = None) -> dict[str, int]:
    """Make the proposals of (trigger, key) equal ``desired`` {code id: fields}; idempotent.

    Proposals in assessment (draft / returned) are updated, created or deleted; submitted or approved ones
    are left alone, and the run is refused if it would change them.
    """
    existing = {p.code_id: p for p in CodeRecyclingProposal.objects.filter(trigger=trigger, trigger_key=key)
                .select_related("code")}
    conflicts = []
    for code_id, proposal in existing.items():
        if proposal.status not in _PROTECTED:
            continue
        want = desired.get(code_id)
        if want is None or any(getattr(proposal, name) != want[name] for name in _COMPARED):
            conflicts.append(proposal.code.code)
    if conflicts:
        raise JobRefused(f"已提交或已批准的处置建议会被改变，未写入任何数据：{', '.join(sorted(conflicts))}")
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    stale = [p.pk for code_id, p in existing.items() if p.status not in _PROTECTED and code_id not in desired]
    if stale:
        CodeRecyclingProposal.objects.filter(pk__in=stale).delete()
        counts["deleted"] = len(stale)
    to_create, to_update = [], []
    for code_id, want in desired.items():
        proposal = existing.get(code_id)
        if proposal is None:
            to_create.append(CodeRecyclingProposal(code_id=code_id, trigger=trigger, trigger_key=key,
                                                   partner_exit=partner_exit, **want))
        elif any(getattr(proposal, name) != want[name] for name in _COMPARED):
            for name, value in want.items():
                setattr(proposal, name, value)
            to_update.append(proposal)
        else:
            counts["unchanged"] += 1
    if to_create:
        bulk_create_with_history(to_create, CodeRecyclingProposal, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, CodeRecyclingProposal, list(_COMPARED), batch_size=500)
    counts["created"], counts["updated"] = len(to_create), len(to_update)
    return counts


def _decided_code_ids(*, trigger: str, key: str) -> QuerySet:
    return CodeRecyclingProposal.objects.filter(trigger=trigger, trigger_key=key, status__in=_PROTECTED).values(
        "code_id")


@transaction.atomic
def partner_exit_register(*, partner: Partner, exit_date: dt.date, reason: str, actor=None,
                          cooperation_type: str = "", service_can_continue: bool = True,
                          note: str = "") -> PartnerExit:
    if reason not in ExitReason.values:
        raise ValidationError({"reason": f"'{reason}' 不是有效的退出原因"})
    partner_exit, created = PartnerExit.objects.get_or_create(
        partner=partner, cooperation_type=cooperation_type, exit_date=exit_date,
        defaults={"reason": reason, "service_can_continue": service_can_continue, "note": note,
                  "created_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        audit_record(obj=partner_exit, action="partner_exit_register", actor=actor, rule_id="R-B-EXIT", reason=note)
    return partner_exit


@transaction.atomic
def code_exit_propose(*, partner_exit: PartnerExit, actor=None) -> dict[str, int]:
    """Apply the exit rules code by code (R-B-EXIT) as proposals for assessment; idempotent."""
    rule_set, book = rule_book_in_force(on=partner_exit.exit_date)
    rule = book.rule_id("code_exit_min_users")
    decided = _decided_code_ids(trigger=ProposalTrigger.EXIT, key=str(partner_exit.pk))
    codes = BusinessCode.objects.filter(partner=partner_exit.partner).filter(
        Q(status__in=ALLOCATED_STATUSES) | Q(pk__in=decided))
    if partner_exit.cooperation_type:
        codes = codes.filter(contract__cooperation_type=partner_exit.cooperation_type)
    codes = codes.annotate(latest_users=selectors.latest_users_on_or_before(month=partner_exit.exit_date.replace(
        day=1))).order_by("pk")
    desired: dict[int, dict[str, Any]] = {}
    for code in codes:
        users = code.latest_users or 0
        disposition = rules.exit_disposition(
            kind=code.kind, category=code.category, users=users,
            for_violation=partner_exit.reason == ExitReason.VIOLATION,
            service_can_continue=partner_exit.service_can_continue,
            min_users=book.integer("code_exit_min_users"),
            batch_size=book.integer("code_exit_unsubscribe_batch_size"),
            own_channel_excluded=book.items("code_exit_own_channel_excluded_categories"),
            rule=rule,
        )
        desired[code.pk] = {
            "action": disposition.action, "rule_id": rule, "users": users, "average_users": None,
            "unsubscribe_batches": disposition.batches, "items": disposition.items, "rule_set_id": rule_set.pk,
        }
    counts = _proposals_sync(trigger=ProposalTrigger.EXIT, key=str(partner_exit.pk), desired=desired,
                             partner_exit=partner_exit)
    audit_record(obj=partner_exit, action="code_exit_propose", actor=actor, rule_id=rule, data=counts)
    return counts


@transaction.atomic
def recycling_proposal_raise(*, code: BusinessCode, actor, reason: str,
                             on: dt.date | None = None) -> CodeRecyclingProposal:
    """Propose recycling a code that is no longer used (R-B-CHANGE); it goes through R-B-PROCESS."""
    if not reason.strip():
        raise ValidationError({"reason": "须填写回收原因"})
    on = on or timezone.localdate()
    rule_set, _ = rule_book_in_force(on=on)
    proposal, created = CodeRecyclingProposal.objects.get_or_create(
        code=code, trigger=ProposalTrigger.MANUAL, trigger_key=on.isoformat(),
        defaults={"action": ProposalAction.RECYCLE, "rule_id": "R-B-CHANGE", "rule_set": rule_set,
                  "items": [breakdown_item("R-B-CHANGE", None, f"代码不再使用：{reason}", passed=True)]},
    )
    if created:
        audit_record(obj=proposal, action="code_recycling_raise", actor=actor, rule_id="R-B-CHANGE", reason=reason)
    return proposal


def recycling_proposal_approved(*, obj: CodeRecyclingProposal, actor) -> BusinessCode:
    """Carry out an approved proposal on its code (the approval hook, R-B-YEAREND, R-B-EXIT)."""
    code = BusinessCode.objects.select_for_update().get(pk=obj.code_id)
    today = timezone.localdate()
    data = {"proposal": obj.pk, "action": obj.action, "unsubscribe_batches": obj.unsubscribe_batches}
    if obj.action == ProposalAction.CONTINUE_OWN_CHANNEL:
        code.own_channel_settlement = True
        if code.status == CodeStatus.NO_NEW_USERS:
            code.save()
            audit_record(obj=code, action="code_own_channel", actor=actor, rule_id=obj.rule_id, data=data)
            code_done = code
        else:
            code.stopped_new_users_on = today
            code_done = _code_transition(code, method="stop_new_users", actor=actor, rule_id=obj.rule_id,
                                         data=data)
    else:
        code.recycling_started_on = today
        code.stopped_new_users_on = code.stopped_new_users_on or today
        code_done = _code_transition(code, method="start_recycling", actor=actor, rule_id=obj.rule_id,
                                     data=data)
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    return code_done
