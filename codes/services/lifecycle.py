"""A code's status: applied → active → no-new-users → recycling → recycled, each step audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from core.audit import audit_record

from ..models import (
    BusinessCode,
)

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


@transaction.atomic
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
