"""Change requests (R-B-CHANGE) and the R-B-PROCESS steps every code-management request goes through:
group assessment → submit → director review (a return goes back to assessment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.api.permissions import caller_partner_id, is_staff_user
from core.approval import approval_approve, approval_return, approval_submit, user_has_role
from core.audit import audit_record
from core.choices import ApprovalStatus, ApproverRole
from core.rulebook import money
from scoring.selectors import rule_book_in_force

from ..choices import (
    CodeStatus,
)
from ..models import (
    BusinessCode,
    CodeChangeRequest,
    ProcessRequest,
)

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


def code_change_approved(*, obj: CodeChangeRequest, actor) -> BusinessCode:
    """Apply an approved change; the effective date (management period) is kept (R-B-CHANGE)."""
    code = BusinessCode.objects.select_for_update().get(pk=obj.code_id)
    if code.status in (CodeStatus.RECYCLING, CodeStatus.RECYCLED):
        raise ValidationError({"code": f"代码 {code.code} {code.get_status_display()}，不能变更"})
    before: dict[str, Any] = {}
    for key, value in obj.changes.items():
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
    obj.before = before
    obj.save(update_fields=["before"])
    audit_record(obj=code, action="code_change", actor=actor, rule_id="R-B-CHANGE",
                 data={"request": obj.pk, "before": before, "after": obj.changes,
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
