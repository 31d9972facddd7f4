"""Products and the six-stage launch (R-N-PRODUCT, R-N-LOCAL, R-N-LAUNCH stages 1–3 and 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from scoring.selectors import rule_book_in_force_or_oldest

from .. import rules, selectors
from ..choices import (
    CLOSED_STATUSES,
    LaunchStage,
    ProductScope,
    ProductStatus,
)
from ..models import (
    LaunchStep,
    NewspaperProduct,
)


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def product_propose(*, partner, name: str, editing_mode: str, category: str, delivery_format: str,
                    scope: str = ProductScope.NATIONAL, frequency: str = "", suggested_price=None,
                    content: str = "", sections: str = "", demo: str = "", on: dt.date | None = None,
                    actor=None) -> NewspaperProduct:
    """A partner's application for a product. Refused while a restriction forbids new products (enforcement),
    while a rejected product of the same partner and name is inside its re-application lock (R-N-LAUNCH), or
    while a product of that name is open."""
    on = on or _today()
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["产品名称不能为空"]})
    _, book = rule_book_in_force_or_oldest(on=on)
    for field, key, value in (("editing_mode", "newspaper_editing_modes", editing_mode),
                              ("category", "newspaper_categories", category)):
        allowed = book.items(key)
        if value not in allowed:
            raise ValidationError({field: [f"{book.rule_id(key)}：须为规则集 {key} 中的 {', '.join(allowed)} 之一，"
                                           f"得到 '{value}'"]})
    verdict = action_allowed(partner=partner, action=RestrictedAction.NEW_PRODUCTS, on=on)
    if not verdict.allowed:
        raise ValidationError({"partner": [f"合作方当前不得新增产品：{'；'.join(verdict.reasons)}"]})
    lock = selectors.reapply_lock(partner=partner, name=name, on=on)
    if lock is not None:
        raise ValidationError({"name": [
            f"产品“{name}”已于 {lock.rejected_on:%Y-%m-%d} 因测试得分低于退回线被退回，"
            f"{lock.reapply_from:%Y-%m-%d} 起方可重新申请（R-N-LAUNCH 第14条4(3)③）"]})
    if NewspaperProduct.objects.filter(partner=partner, name=name).exclude(status__in=CLOSED_STATUSES).exists():
        raise ValidationError({"name": [f"合作方已有未关闭的产品“{name}”"]})
    product = NewspaperProduct.objects.create(
        partner=partner, name=name, editing_mode=editing_mode, category=category, delivery_format=delivery_format,
        scope=scope, frequency=frequency, suggested_price=suggested_price, content=content, sections=sections,
        demo=demo, proposed_on=on,
    )
    rule_id = "R-N-LOCAL" if scope == ProductScope.LOCAL else "R-N-PRODUCT"
    audit_record(obj=product, action="newspaper_product_propose", actor=actor, rule_id=rule_id,
                 to_status=product.status)
    return product


def _local_refusal(product: NewspaperProduct) -> str:
    _, book = rule_book_in_force_or_oldest(on=_today())
    return (f"地方手机报按{book.text('newspaper_local_rulebook')}另行管理，不执行全国手机报上线流程"
            f"（{book.rule_id('newspaper_local_rulebook')}）")


def _design_values(product: NewspaperProduct) -> dict[str, Any]:
    return {field: getattr(product, field) for field in
            ("name", "content", "sections", "demo", "delivery_format", "frequency", "suggested_price")}


def launch_step_problems(*, product: NewspaperProduct, stage: int, on: dt.date) -> list[str]:
    """Why stage ``stage`` cannot be recorded for ``product`` on ``on`` now (empty when it can)."""
    if product.scope == ProductScope.LOCAL:
        return [_local_refusal(product)]
    if product.status not in (ProductStatus.PROPOSED, ProductStatus.IN_LAUNCH):
        return [f"产品状态为“{product.get_status_display()}”，不能登记上线阶段"]
    if stage != product.launch_stage + 1:
        expected = LaunchStage(product.launch_stage + 1).label if product.launch_stage < 6 else "—"
        return [f"须按顺序登记：下一阶段为“{expected}”（R-N-LAUNCH 第14条）"]
    if stage in (LaunchStage.TEST, LaunchStage.APPROVAL):
        return ["产品测试与上线审批由“产品测试”登记并审批（R-N-LAUNCH 第14条4、5）"]
    _, book = rule_book_in_force_or_oldest(on=on)
    problems = []
    if stage == LaunchStage.DESIGN:
        missing = rules.design_missing_fields(editing_mode=product.editing_mode, values=_design_values(product),
                                              book=book)
        if missing:
            labels = [str(NewspaperProduct._meta.get_field(f).verbose_name) for f in missing]
            problems.append(f"产品设计书缺少：{'、'.join(labels)}（{book.rule_id('newspaper_design_fields')} 第14条2）")
    if stage in [int(s) for s in book.items("newspaper_qualification_stages")]:
        qualification = selectors.product_qualification(product=product, on=on)
        problems += [f"资质不符：{reason}" for reason in qualification.reasons]
    return problems


def _record_step(*, product: NewspaperProduct, stage: int, on: dt.date, actor, document: str, note: str = "",
                 document_file=None) -> LaunchStep:
    step = LaunchStep.objects.create(product=product, launch_round=product.launch_round, stage=stage, done_on=on,
                                     done_by=actor if getattr(actor, "pk", None) else None, document=document,
                                     note=note, document_file=document_file or "")
    audit_record(obj=product, action="newspaper_launch_step", actor=actor, rule_id="R-N-LAUNCH",
                 reason=note, data={"stage": stage, "round": product.launch_round, "document": document,
                                    "on": on.isoformat()})
    return step


@transaction.atomic
def launch_step_record(*, product: NewspaperProduct, stage: int, document: str = "", on: dt.date | None = None,
                       actor=None, note: str = "", document_file=None) -> LaunchStep:
    """Record stage 1, 2, 3 or 6 of the launch with who, when and the document it needs (R-N-LAUNCH)."""
    on = on or _today()
    product = NewspaperProduct.objects.select_for_update().get(pk=product.pk)
    problems = launch_step_problems(product=product, stage=stage, on=on)
    if problems:
        raise ValidationError({"stage": problems})
    _, book = rule_book_in_force_or_oldest(on=on)
    step = _record_step(product=product, stage=stage, on=on, actor=actor, note=note, document_file=document_file,
                        document=document.strip() or rules.stage_document(stage=stage, book=book))
    product.launch_stage = stage
    fields = ["launch_stage", "status"]
    if product.status == ProductStatus.PROPOSED:
        product.status = ProductStatus.IN_LAUNCH
    if stage == LaunchStage.LISTING:
        product.status, product.listed_on = ProductStatus.LIVE, on
        fields.append("listed_on")
    product.save(update_fields=fields)
    return step
