"""Application batches and applications with their eligibility (R-B-BATCH, R-B-FIRST, R-B-MORE, R-B-BLOCK,
R-B-INTERNAL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.api.permissions import caller_partner_id, is_staff_user
from core.approval import approval_submit, user_has_role
from core.audit import audit_record
from core.choices import ApprovalStatus, ApproverRole
from core.months import format_month
from partners.models import Contract, Partner

from .. import selectors
from ..choices import (
    BatchStatus,
    CodeCategory,
    CodeKind,
    OwnerKind,
)
from ..models import (
    BusinessCode,
    CodeApplication,
    CodeBatch,
    InternalUnit,
)
from .changes import _clean_price
from .reviews import _failure_text, _return

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
