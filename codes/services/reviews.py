"""The review chain of an application (R-B-REVIEW, R-B-CHECK) and the granted code on the last approval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.api.permissions import is_staff_user
from core.approval import approval_approve, approval_return, user_has_role
from core.audit import audit_record
from core.choices import ApprovalStatus
from scoring.selectors import rule_book_for
from scoring.services import rule_set_mark_used

from .. import selectors
from ..choices import (
    STEP_ROLES,
    ReviewStep,
)
from ..models import (
    BusinessCode,
    CodeApplication,
    CodeApplicationReview,
)


def _failure_text(items: Iterable[Mapping[str, Any]]) -> str:
    return "；".join(f"{i['rule']} {i['detail']}" for i in items if not i["passed"])


def _lock_in_review(application: CodeApplication, steps: Iterable[str]) -> CodeApplication:
    locked = CodeApplication.objects.select_for_update().select_related("rule_set").get(pk=application.pk)
    if locked.status != ApprovalStatus.SUBMITTED or locked.stage not in steps:
        raise ValidationError(
            f"{locked} 当前为“{locked.get_stage_display()}”（{locked.get_status_display()}），不能执行此审核环节",
            code="wrong_step",
        )
    return locked


def _check_reviewer(application: CodeApplication, actor) -> None:
    role = STEP_ROLES[application.stage]
    if not is_staff_user(actor) or not user_has_role(actor, role):
        raise PermissionDenied(f"“{application.get_stage_display()}”需要“{role}”角色。")
    if application.created_by_id and application.created_by_id == actor.pk:
        raise PermissionDenied("不能审核自己提交的申请。")
    if application.reviews.filter(reviewer=actor).exists():
        raise ValidationError("同一人不能重复审核同一申请（每人只能审核一次）。", code="already_reviewed")


def _advance(application: CodeApplication, *, actor, step: str) -> CodeApplication:
    before = application.stage
    application.stage = step
    application.save(update_fields=["stage", "updated_at"])
    audit_record(obj=application, action="code_review_advance", actor=actor, rule_id=application.approval_rule_id,
                 from_status=before, to_status=step)
    return application


def _pass_step(application: CodeApplication, *, actor, note: str) -> CodeApplication:
    """Move to the chain's next step, or approve through ``core.approval`` when this was the last one."""
    step = selectors.next_step(application)
    if step is not None:
        return _advance(application, actor=actor, step=step)
    return approval_approve(obj=application, actor=actor, note=note)


def _return(application: CodeApplication, *, actor, reason: str) -> CodeApplication:
    step = application.stage
    returned = approval_return(obj=application, actor=actor, reason=reason)
    returned.stage = ReviewStep.RETURNED
    returned.returned_at_step = step
    returned.return_reason = reason
    returned.save(update_fields=["stage", "returned_at_step", "return_reason", "updated_at"])
    return returned


@transaction.atomic
def application_review(*, application: CodeApplication, reviewer, checklist: Mapping[str, bool],
                       comment: str = "") -> CodeApplication:
    """One product initial review against the checklist (R-B-CHECK, R-B-REVIEW).

    A failed checklist item returns the application with the reasons. When the rule set's minimum number of
    distinct reviewers have passed it, the application moves to the next step of its chain.
    """
    application = _lock_in_review(application, [ReviewStep.INITIAL_REVIEW])
    _check_reviewer(application, reviewer)
    book = rule_book_for(application.rule_set)
    points = book.items("code_review_checklist")
    keys = [point["key"] for point in points]
    missing = [key for key in keys if key not in checklist]
    unknown = [key for key in checklist if key not in keys]
    if missing or unknown:
        raise ValidationError({"checklist": f"须逐项填写审核要点 {keys}；缺少 {missing}，多余 {unknown}（R-B-CHECK）"})
    answers = {key: bool(checklist[key]) for key in keys}
    passed = all(answers.values())
    if passed and not application.eligible:
        raise ValidationError(f"申请不符合条件，不能通过初审，请退回：{_failure_text(application.eligibility)}")
    CodeApplicationReview.objects.create(application=application, step=ReviewStep.INITIAL_REVIEW,
                                         reviewer=reviewer, checklist=answers, passed=passed, comment=comment)
    audit_record(obj=application, action="code_initial_review", actor=reviewer, rule_id="R-B-CHECK",
                 reason=comment, from_status=application.stage, to_status=application.stage,
                 data={"checklist": answers, "passed": passed})
    if not passed:
        failed = "、".join(point["name"] for point in points if not answers[point["key"]])
        reason = f"产品初审未通过（R-B-CHECK）：{failed}" + (f"。{comment}" if comment else "")
        return _return(application, actor=reviewer, reason=reason)
    if selectors.passing_initial_reviews(application) >= book.integer("code_review_min_reviewers"):
        return _pass_step(application, actor=reviewer, note=comment)
    return application


@transaction.atomic
def application_decide(*, application: CodeApplication, actor, approve: bool, note: str = "") -> CodeApplication:
    """The director's, company leader's or receiving department's decision (R-B-REVIEW, R-B-INTERNAL).

    The last step of the chain approves through ``core.approval`` (which grants the code); a rejection
    at any step returns the application with the reason.
    """
    steps = [ReviewStep.DIRECTOR_REVIEW, ReviewStep.LEADER_APPROVAL, ReviewStep.RECEIVER_ACCEPTANCE]
    application = _lock_in_review(application, steps)
    _check_reviewer(application, actor)
    if not approve and not note.strip():
        raise ValidationError({"note": "退回必须填写原因"})
    if approve:
        blocked = selectors.application_block_now(application, on=timezone.localdate())
        if not application.eligible or blocked:
            raise ValidationError(
                f"不能通过：{_failure_text(blocked or application.eligibility)}", code="not_eligible"
            )
    CodeApplicationReview.objects.create(application=application, step=application.stage, reviewer=actor,
                                         passed=approve, comment=note)
    if not approve:
        return _return(application, actor=actor, reason=note)
    return _pass_step(application, actor=actor, note=note)


def code_application_approved(*, obj: CodeApplication, actor) -> BusinessCode:
    """Create the granted code (status applied) when the last step approves (the approval hook)."""
    value = obj.requested_code or f"A{obj.batch.month:%Y%m}{obj.pk:05d}"
    if BusinessCode.objects.filter(code=value).exists():
        raise ValidationError({"requested_code": f"代码 {value} 已存在"})
    code = BusinessCode(
        code=value,
        name=obj.name,
        kind=obj.kind,
        category=obj.category,
        owner_kind=obj.owner_kind,
        contract=obj.contract,
        partner=obj.partner,
        internal_unit=obj.internal_unit,
        cp=obj.cp,
        price=obj.price,
        grant_basis=obj.grant_basis,
    )
    code.save()
    obj.granted_code = code
    obj.stage = ReviewStep.APPROVED
    obj.save(update_fields=["granted_code", "stage", "updated_at"])
    audit_record(obj=code, action="code_grant", actor=actor, rule_id=obj.approval_rule_id,
                 to_status=code.status, data={"application": obj.pk, "grant_basis": code.grant_basis})
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    return code
