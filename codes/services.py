"""Writes for business codes (R-B-*): applications and their review chain, code transitions, statistics
imports, change requests, recycling proposals (year end, partner exit) and their R-B-PROCESS approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.api.permissions import caller_partner_id, is_staff_user
from core.approval import approval_approve, approval_return, approval_submit, user_has_role
from core.audit import audit_record
from core.choices import ApprovalStatus, ApproverRole
from core.jobs import JobProgress, JobRefused
from core.months import add_months, format_month
from partners.models import Contract, Partner
from scoring.rules import money
from scoring.selectors import rule_book_for, rule_book_in_force
from scoring.services import rule_set_mark_used

from . import rules, selectors
from .choices import (
    ALLOCATED_STATUSES,
    IN_FORCE_STATUSES,
    STEP_ROLES,
    BatchStatus,
    CodeCategory,
    CodeKind,
    CodeStatus,
    ExitReason,
    OwnerKind,
    ProposalAction,
    ProposalTrigger,
    ReviewStep,
)
from .models import (
    BusinessCode,
    CodeApplication,
    CodeApplicationReview,
    CodeBatch,
    CodeChangeRequest,
    CodeMonthlyStat,
    CodeRecyclingProposal,
    InternalUnit,
    PartnerExit,
    ProcessRequest,
)

# Batches and applications (R-B-BATCH, R-B-FIRST, R-B-MORE, R-B-BLOCK, R-B-INTERNAL) ----------------------


def batch_for_month(*, month: dt.date) -> CodeBatch:
    """The month's one application batch, opened on first use (R-B-BATCH)."""
    batch, _ = CodeBatch.objects.get_or_create(month=month.replace(day=1))
    return batch


def _store_eligibility(application: CodeApplication, eligibility: selectors.Eligibility) -> None:
    application.rule_set = eligibility.rule_set
    application.eligibility = eligibility.items
    application.eligible = eligibility.eligible
    application.application_type = eligibility.application_type
    application.grant_basis = eligibility.grant_basis
    application.eligibility_computed_at = timezone.now()


def _eligibility_for(application: CodeApplication, *, exclude_pk: int | None) -> selectors.Eligibility:
    return selectors.application_eligibility(
        on=application.applied_on,
        batch_month=application.batch.month,
        kind=application.kind,
        category=application.category,
        contract=application.contract,
        internal_unit=application.internal_unit,
        exclude_pk=exclude_pk,
    )


@transaction.atomic
def application_apply(
    *,
    actor,
    kind: str,
    category: str,
    name: str,
    price: Decimal | str,
    contract: Contract | None = None,
    internal_unit: InternalUnit | None = None,
    requesting_department: str = "",
    cp: str = "",
    description: str = "",
    requested_code: str = "",
    on: dt.date | None = None,
) -> CodeApplication:
    """File an application into the month's batch and store its eligibility with the numbers.

    A partner user may only apply for its own partner's contracts; internal units are for staff. An
    application that does not qualify is still filed (so staff see why) but cannot pass the review; the
    batch closing returns it with its reasons.
    """
    on = on or timezone.localdate()
    if (contract is None) == (internal_unit is None):
        raise ValidationError({"contract": "须指定合作合同或内部单位之一"})
    staff = is_staff_user(actor)
    if contract is not None:
        if not staff and caller_partner_id(actor) != contract.partner_id:
            raise ValidationError({"contract": "合同不存在"})
        if contract.start_date > on or (contract.end_date and contract.end_date < on):
            raise ValidationError({"contract": f"合同不在有效期内（{on:%Y-%m-%d}）"})
        # one partner's applications are counted against its limits one at a time
        Partner.objects.select_for_update().get(pk=contract.partner_id)
    else:
        if not staff:
            raise PermissionDenied("内部单位代码由内部部门申请。")
        if not requesting_department.strip():
            raise ValidationError({"requesting_department": "内部单位代码须填写申请部门（R-B-INTERNAL）"})
    if kind not in CodeKind.values:
        raise ValidationError({"kind": f"'{kind}' 不是有效的代码类型"})
    if category not in CodeCategory.values:
        raise ValidationError({"category": f"'{category}' 不是有效的代码类别"})
    if not name.strip():
        raise ValidationError({"name": "须填写代码名称"})
    price = _clean_price(price, field="price")
    if requested_code and BusinessCode.objects.filter(code=requested_code).exists():
        raise ValidationError({"requested_code": f"代码 {requested_code} 已存在"})

    batch = CodeBatch.objects.select_for_update().get(pk=batch_for_month(month=on).pk)
    if batch.status != BatchStatus.OPEN:
        raise ValidationError({"batch": f"{format_month(batch.month)} 批次已截止受理，请于下月批次申请（R-B-BATCH）"})
    application = CodeApplication(
        batch=batch,
        owner_kind=OwnerKind.PARTNER if contract is not None else OwnerKind.INTERNAL,
        partner=contract.partner if contract is not None else None,
        contract=contract,
        internal_unit=internal_unit,
        requesting_department=requesting_department.strip(),
        kind=kind,
        category=category,
        name=name.strip(),
        cp=cp.strip(),
        price=price,
        description=description,
        requested_code=requested_code.strip(),
        applied_on=on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _store_eligibility(application, _eligibility_for(application, exclude_pk=None))
    application.save()
    audit_record(
        obj=application, action="code_apply", actor=actor, rule_id="R-B-BATCH", to_status=application.stage,
        data={"eligible": application.eligible, "application_type": application.application_type,
              "grant_basis": application.grant_basis},
    )
    return application


@transaction.atomic
def application_recompute(*, application: CodeApplication, actor=None) -> CodeApplication:
    """Recompute a pending application's eligibility (e.g. after statistics or contributions were imported)."""
    application = CodeApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApprovalStatus.DRAFT:
        raise ValidationError("资格只能在批次受理前重新计算")
    before = application.eligible
    _store_eligibility(application, _eligibility_for(application, exclude_pk=application.pk))
    application.save()
    audit_record(obj=application, action="code_eligibility_recompute", actor=actor, rule_id="R-B-MORE",
                 data={"from": before, "to": application.eligible})
    return application


def _failure_text(items: Iterable[Mapping[str, Any]]) -> str:
    return "；".join(f"{i['rule']} {i['detail']}" for i in items if not i["passed"])


@transaction.atomic
def batch_close(*, batch: CodeBatch, actor) -> dict[str, int]:
    """Stop taking applications for the month and hand every filed one to its review chain.

    Eligibility is recomputed in filing order; applications that do not qualify are returned at once with
    the failing rules as the reason (R-B-BLOCK, R-B-FIRST/R-B-MORE).
    """
    if not user_has_role(actor, ApproverRole.OPERATIONS) or not is_staff_user(actor):
        raise PermissionDenied("只有运营人员可以截止批次。")
    batch = CodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.OPEN:
        raise ValidationError(f"{batch} 已截止")
    counts = {"submitted": 0, "returned": 0}
    for application in batch.applications.filter(status=ApprovalStatus.DRAFT).order_by("pk"):
        _store_eligibility(application, _eligibility_for(application, exclude_pk=application.pk))
        application.stage = selectors.review_chain(application)[0]
        application.save()
        application = approval_submit(obj=application, actor=actor, note=f"{batch} 截止受理")
        if application.eligible:
            counts["submitted"] += 1
        else:
            _return(application, actor=actor, reason=f"不符合申请条件：{_failure_text(application.eligibility)}")
            counts["returned"] += 1
    batch.status = BatchStatus.CLOSED
    batch.closed_at = timezone.now()
    batch.closed_by = actor
    batch.save()
    audit_record(obj=batch, action="code_batch_close", actor=actor, rule_id="R-B-BATCH", to_status=batch.status,
                 data=counts)
    return counts


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


def application_grant_code(*, application: CodeApplication, actor) -> BusinessCode:
    """Create the granted code (status applied) when the last step approves; called from ``on_approved``."""
    value = application.requested_code or f"A{application.batch.month:%Y%m}{application.pk:05d}"
    if BusinessCode.objects.filter(code=value).exists():
        raise ValidationError({"requested_code": f"代码 {value} 已存在"})
    code = BusinessCode(
        code=value,
        name=application.name,
        kind=application.kind,
        category=application.category,
        owner_kind=application.owner_kind,
        contract=application.contract,
        partner=application.partner,
        internal_unit=application.internal_unit,
        cp=application.cp,
        price=application.price,
        grant_basis=application.grant_basis,
    )
    code.save()
    application.granted_code = code
    application.stage = ReviewStep.APPROVED
    application.save(update_fields=["granted_code", "stage", "updated_at"])
    audit_record(obj=code, action="code_grant", actor=actor, rule_id=application.approval_rule_id,
                 to_status=code.status, data={"application": application.pk, "grant_basis": code.grant_basis})
    rule_set_mark_used(rule_set_id=application.rule_set_id)
    return code


# Code status (applied → active → no-new-users → recycling → recycled) -----------------------------------


def _code_transition(code: BusinessCode, *, method: str, actor, rule_id: str = "", reason: str = "",
                     data: dict | None = None) -> BusinessCode:
    before = code.status
    try:
        getattr(code, method)()
    except TransitionNotAllowed:
        raise ValidationError(
            f"代码 {code.code} 当前为“{code.get_status_display()}”，不能执行该操作", code="transition_not_allowed"
        ) from None
    code.save()
    audit_record(obj=code, action=f"code_{method}", actor=actor, rule_id=rule_id, reason=reason,
                 from_status=before, to_status=code.status, data=data)
    return code


@transaction.atomic
@transaction.atomic
def business_code_create(*, actor, code: str, name: str, kind: str, category: str, owner_kind: str, contract=None,
                         internal_unit=None, cp: str = "", price=None, effective_date=None, attributes=None
                         ) -> BusinessCode:
    """A code registered by hand (codes granted by an application are created by ``application_grant_code``)."""
    record = BusinessCode(
        code=code, name=name, kind=kind, category=category, owner_kind=owner_kind, contract=contract,
        partner=contract.partner if contract is not None else None, internal_unit=internal_unit, cp=cp or "",
        price=price, effective_date=effective_date, attributes=attributes if attributes is not None else {},
    )
    record.full_clean(exclude=["status"])  # the state field is protected; a new code starts in its default
    record.save()
    audit_record(obj=record, action="code_create", actor=actor, to_status=record.status)
    return record


def code_activate(*, code: BusinessCode, effective_date: dt.date, actor=None, code_value: str = "") -> BusinessCode:
    """The code takes effect; its management period starts on ``effective_date``."""
    code = BusinessCode.objects.select_for_update().get(pk=code.pk)
    if code_value and code_value != code.code:
        if BusinessCode.objects.filter(code=code_value).exists():
            raise ValidationError({"code": f"代码 {code_value} 已存在"})
        code.code = code_value
    code.effective_date = effective_date
    return _code_transition(code, method="activate", actor=actor, data={"effective_date": effective_date.isoformat()})


@transaction.atomic
def code_recycle_finish(*, code: BusinessCode, actor=None, on: dt.date | None = None) -> BusinessCode:
    """All users unsubscribed: the code is recycled."""
    code = BusinessCode.objects.select_for_update().get(pk=code.pk)
    code.recycled_on = on or timezone.localdate()
    return _code_transition(code, method="finish_recycling", actor=actor)


# Change requests (R-B-CHANGE) ------------------------------------------------------------------------


def _clean_price(value: Any, *, field: str) -> Decimal:
    try:
        price = money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"'{value}' 不是金额"}) from None
    if price < 0:
        raise ValidationError({field: "资费不能为负数"})
    return price


def _clean_changes(code: BusinessCode, changes: Mapping[str, Any], allowed: list[str]) -> dict[str, Any]:
    unknown = [key for key in changes if key not in allowed]
    if unknown:
        raise ValidationError({"changes": f"只能变更 {allowed}，不能变更 {unknown}（R-B-CHANGE）"})
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None or value == "":
            continue
        if key == "price":
            price = _clean_price(value, field="price")
            if price != code.price:
                clean[key] = str(price)
        elif key == "attributes":
            if not isinstance(value, dict):
                raise ValidationError({"attributes": "代码属性须为 JSON 对象"})
            if any(code.attributes.get(k) != v for k, v in value.items()):
                clean[key] = value
        else:
            text = str(value).strip()
            if len(text) > 200:
                raise ValidationError({key: "不能超过200个字符"})
            if text != getattr(code, key):
                clean[key] = text
    if not clean:
        raise ValidationError({"changes": "没有与现有值不同的变更内容"})
    return clean


@transaction.atomic
def code_change_request_create(*, code: BusinessCode, changes: Mapping[str, Any], actor, reason: str = "",
                               on: dt.date | None = None) -> CodeChangeRequest:
    """Raise a change of CP, name, price or attributes; it then goes through R-B-PROCESS."""
    if not is_staff_user(actor) and (code.partner_id is None or caller_partner_id(actor) != code.partner_id):
        raise ValidationError({"code": "代码不存在"})
    if code.status in (CodeStatus.RECYCLING, CodeStatus.RECYCLED):
        raise ValidationError({"code": f"代码 {code.code} {code.get_status_display()}，不能变更"})
    _, book = rule_book_in_force(on=on or timezone.localdate())
    request = CodeChangeRequest.objects.create(
        code=code, changes=_clean_changes(code, changes, book.items("code_change_fields")), reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(obj=request, action="code_change_request", actor=actor, rule_id="R-B-CHANGE", reason=reason,
                 to_status=request.status, data={"changes": request.changes})
    return request


def code_change_apply(*, request: CodeChangeRequest, actor) -> BusinessCode:
    """Apply an approved change; the effective date (management period) is kept (R-B-CHANGE)."""
    code = BusinessCode.objects.select_for_update().get(pk=request.code_id)
    if code.status in (CodeStatus.RECYCLING, CodeStatus.RECYCLED):
        raise ValidationError({"code": f"代码 {code.code} {code.get_status_display()}，不能变更"})
    before: dict[str, Any] = {}
    for key, value in request.changes.items():
        if key == "price":
            before[key] = str(code.price)
            code.price = Decimal(value)
        elif key == "attributes":
            before[key] = dict(code.attributes)
            code.attributes = {**code.attributes, **value}
        else:
            before[key] = getattr(code, key)
            setattr(code, key, value)
    code.save()
    request.before = before
    request.save(update_fields=["before"])
    audit_record(obj=code, action="code_change", actor=actor, rule_id="R-B-CHANGE",
                 data={"request": request.pk, "before": before, "after": request.changes,
                       "effective_date": code.effective_date.isoformat() if code.effective_date else None})
    return code


# R-B-PROCESS: group assessment → submit → director review (a return goes back to assessment) ------------


@transaction.atomic
def process_assess(*, obj: ProcessRequest, actor, note: str) -> ProcessRequest:
    """Record the group assessment and submit the request to the director."""
    if not is_staff_user(actor) or not user_has_role(actor, ApproverRole.OPERATIONS):
        raise PermissionDenied("组内评估需要“运营人员”角色。")
    if not note.strip():
        raise ValidationError({"assessment_note": "须填写组内评估意见（R-B-PROCESS）"})
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if locked.status not in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED):
        raise ValidationError(f"{locked} 当前为“{locked.get_status_display()}”，不在评估环节")
    locked.assessment_note, locked.assessed_by, locked.assessed_at = note, actor, timezone.now()
    locked.save(update_fields=["assessment_note", "assessed_by", "assessed_at"])
    audit_record(obj=locked, action="assess", actor=actor, reason=note, rule_id="R-B-PROCESS",
                 from_status=locked.status, to_status=locked.status)
    return approval_submit(obj=locked, actor=actor, note=note)


def process_approve(*, obj: ProcessRequest, actor, note: str = "") -> ProcessRequest:
    """The director's approval; the change or recycling takes effect (``on_approved``)."""
    return approval_approve(obj=obj, actor=actor, note=note)


@transaction.atomic
def process_return(*, obj: ProcessRequest, actor, reason: str) -> ProcessRequest:
    """The director's rejection: back to group assessment, which must be done again."""
    returned = approval_return(obj=obj, actor=actor, reason=reason)
    returned.assessed_by, returned.assessed_at = None, None
    returned.save(update_fields=["assessed_by", "assessed_at"])
    return returned


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


def _minus_duration(day: dt.date, duration: Mapping[str, Any]) -> dt.date:
    amount, unit = int(duration["value"]), duration["unit"]
    if unit == "years":
        return add_months(day, -12 * amount)
    if unit == "months":
        return add_months(day, -amount)
    if unit == "weeks":
        return day - dt.timedelta(weeks=amount)
    return day - dt.timedelta(days=amount)


def code_yearend_propose(*, year: int, progress: JobProgress | None = None) -> dict[str, int]:
    """Propose recycling for monthly codes in force over the rule set's period at year end whose average
    users over the last months of the year is below the threshold (R-B-YEAREND). Idempotent; refuses to
    change submitted or approved proposals and to run before December's statistics are imported."""
    reference = dt.date(year, 12, 31)
    rule_set, book = rule_book_in_force(on=reference)
    rule = book.rule_id("code_yearend_min_average_users")
    window = book.integer("code_yearend_window_months")
    min_average = book.integer("code_yearend_min_average_users")
    cutoff = _minus_duration(reference, book.duration("code_yearend_min_in_force"))
    last_month = dt.date(year, 12, 1)
    months = [add_months(last_month, -offset) for offset in range(window - 1, -1, -1)]
    # codes whose proposal was already submitted or approved are judged again, so a re-run can tell
    # whether it would change them (their status may have moved on because of that very proposal)
    decided = _decided_code_ids(trigger=ProposalTrigger.YEAR_END, key=str(year))
    candidates = list(
        BusinessCode.objects.filter(kind=CodeKind.MONTHLY, effective_date__lt=cutoff)
        .filter(Q(status__in=IN_FORCE_STATUSES) | Q(pk__in=decided))
        .order_by("pk").values_list("pk", "code", "effective_date")
    )
    if progress:
        progress.set_total(len(candidates))
    if candidates and not CodeMonthlyStat.objects.filter(month=last_month).exists():
        raise JobRefused(f"{format_month(last_month)} 的代码统计尚未导入，不能进行年末清理（R-B-YEAREND）")
    users: dict[tuple[int, dt.date], int] = {
        (code_id, month): value
        for code_id, month, value in CodeMonthlyStat.objects.filter(
            code_id__in=[pk for pk, _, _ in candidates], month__in=months
        ).values_list("code_id", "month", "users")
    }
    desired: dict[int, dict[str, Any]] = {}
    reported = 0
    for index, (pk, code, effective) in enumerate(candidates, start=1):
        series = [(format_month(month), users.get((pk, month))) for month in months]
        verdict = rules.evaluate_year_end(code=code, months=series, min_average=min_average,
                                          in_force_since=f"{effective:%Y-%m-%d}", rule=rule)
        if verdict.recycle:
            desired[pk] = {
                "action": ProposalAction.RECYCLE, "rule_id": rule, "users": users.get((pk, last_month)) or 0,
                "average_users": verdict.average, "unsubscribe_batches": 0, "items": verdict.items,
                "rule_set_id": rule_set.pk,
            }
        if progress and (index % 500 == 0 or index == len(candidates)):
            progress.advance(index - reported)
            reported = index
    with transaction.atomic():
        counts = _proposals_sync(trigger=ProposalTrigger.YEAR_END, key=str(year), desired=desired)
    counts["candidates"] = len(candidates)
    return counts


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
                  "items": [rules.item("R-B-CHANGE", True, f"代码不再使用：{reason}")]},
    )
    if created:
        audit_record(obj=proposal, action="code_recycling_raise", actor=actor, rule_id="R-B-CHANGE", reason=reason)
    return proposal


def recycling_proposal_apply(*, proposal: CodeRecyclingProposal, actor) -> BusinessCode:
    """Carry out an approved proposal on its code; called from ``on_approved``."""
    code = BusinessCode.objects.select_for_update().get(pk=proposal.code_id)
    today = timezone.localdate()
    data = {"proposal": proposal.pk, "action": proposal.action, "unsubscribe_batches": proposal.unsubscribe_batches}
    if proposal.action == ProposalAction.CONTINUE_OWN_CHANNEL:
        code.own_channel_settlement = True
        if code.status == CodeStatus.NO_NEW_USERS:
            code.save()
            audit_record(obj=code, action="code_own_channel", actor=actor, rule_id=proposal.rule_id, data=data)
            code_done = code
        else:
            code.stopped_new_users_on = today
            code_done = _code_transition(code, method="stop_new_users", actor=actor, rule_id=proposal.rule_id,
                                         data=data)
    else:
        code.recycling_started_on = today
        code.stopped_new_users_on = code.stopped_new_users_on or today
        code_done = _code_transition(code, method="start_recycling", actor=actor, rule_id=proposal.rule_id,
                                     data=data)
    rule_set_mark_used(rule_set_id=proposal.rule_set_id)
    return code_done


def run_code_yearend(*, year: int, user=None, on_progress=None) -> dict[str, int]:
    """The year-end job (command and Celery task): recorded as a job run with its counts."""
    from core.jobs import job_run

    with job_run(job="code_yearend", key=str(year), user=user, on_progress=on_progress) as progress:
        counts = code_yearend_propose(year=year, progress=progress)
        progress.run.counts = counts
        progress.run.message = (
            f"{counts['candidates']} 个包月代码参与判断；建议新增 {counts['created']}、更新 {counts['updated']}、"
            f"删除 {counts['deleted']}、不变 {counts['unchanged']}"
        )
    return counts
