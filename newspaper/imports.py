"""The ``newspaper_products`` and ``newspaper_documents`` kinds of ``import_data`` (one import framework)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partners.imports import writers
from partners.imports.columns import Boolean, Choice, Column, Date, ImportContext, Money, PartnerRef, Text
from partners.imports.specs import EXAMPLE_PARTNER, PARTNER_CODE, ImportSpec

from .choices import (
    CLOSED_STATUSES,
    ContentCategory,
    DeliveryFormat,
    DocumentIssuer,
    DocumentKind,
    EditingMode,
    ProductScope,
    ProductStatus,
)
from .models import NewspaperProduct, QualificationDocument
from .services import document_problems

PRODUCTS_KIND = "newspaper_products"
DOCUMENTS_KIND = "newspaper_documents"


class OpenProductsWriter(writers.BulkWriter):
    """Upsert on partner + name over the products still open: a rejected or exited product is history, and a
    new row of its name is a new application (refused inside the re-application lock by the row check)."""

    def existing(self, batch):
        found = super().existing(batch)
        return {key: obj for key, obj in found.items() if obj.status not in CLOSED_STATUSES}


def _reapply_lock(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    partner_id, name, on = values.get("partner_id"), values.get("name"), values.get("proposed_on")
    locks = ctx.table("newspaper_locks", lambda: {
        (p, n): (rejected_on, reapply_from)
        for p, n, rejected_on, reapply_from in NewspaperProduct.objects.filter(
            status=ProductStatus.REJECTED, reapply_from__isnull=False
        ).order_by("reapply_from").values_list("partner_id", "name", "rejected_on", "reapply_from")
    })
    open_names = ctx.table("newspaper_open_names", lambda: set(
        NewspaperProduct.objects.exclude(status__in=CLOSED_STATUSES).values_list("partner_id", "name")))
    lock = locks.get((partner_id, name))
    if lock and on and on < lock[1] and (partner_id, name) not in open_names:
        return [("name", f"产品“{name}”已于 {lock[0]:%Y-%m-%d} 退回，{lock[1]:%Y-%m-%d} 起方可重新申请（R-N-LAUNCH）")]
    return []


PRODUCTS_SPEC = ImportSpec(
    kind=PRODUCTS_KIND,
    label="手机报产品",
    model=NewspaperProduct,
    columns=(
        Column("partner_code", PartnerRef(), required=True, field="partner_id"),
        Column("name", Text(200), required=True),
        Column("editing_mode", Choice(EditingMode), required=True),
        Column("category", Choice(ContentCategory), required=True),
        Column("delivery_format", Choice(DeliveryFormat), required=True),
        Column("proposed_on", Date(), required=True),
        Column("scope", Choice(ProductScope), default=ProductScope.NATIONAL),
        Column("frequency", Text(100), default=""),
        Column("suggested_price", Money()),
        Column("content", Text(5000), default=""),
        Column("sections", Text(5000), default=""),
        Column("demo", Text(300), default=""),
    ),
    natural_key=("partner_code", "name"),
    writer=OpenProductsWriter,
    row_check=_reapply_lock,
    aliases={
        "partner_code": PARTNER_CODE,
        "name": ("产品名称", "手机报名称"),
        "editing_mode": ("编辑方式",),
        "category": ("内容类别", "产品类别"),
        "delivery_format": ("发送形式", "产品形式"),
        "proposed_on": ("申请日期",),
        "scope": ("全国/地方", "全国或地方"),
        "frequency": ("发送频率",),
        "suggested_price": ("建议价格（元/月）", "建议价格"),
        "content": ("产品内容",),
        "sections": ("版块设计",),
        "demo": ("demo 产品", "演示产品"),
    },
    example={
        "partner_code": EXAMPLE_PARTNER, "name": "示例新闻早晚报", "editing_mode": EditingMode.CENTRAL.label,
        "category": ContentCategory.CURRENT_NEWS.label, "delivery_format": DeliveryFormat.MMS.label,
        "proposed_on": dt.date(2026, 1, 5), "scope": ProductScope.NATIONAL.label, "frequency": "每日早晚各1期",
        "suggested_price": Decimal("3.00"), "content": "时政要闻与社会新闻", "sections": "要闻/国内/国际",
        "demo": "demo.zip",
    },
)


def _document_check(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    return document_problems(values)


DOCUMENTS_SPEC = ImportSpec(
    kind=DOCUMENTS_KIND,
    label="手机报合作伙伴资质证照",
    model=QualificationDocument,
    columns=(
        Column("partner_code", PartnerRef(), required=True, field="partner_id"),
        Column("kind", Choice(DocumentKind), required=True),
        Column("number", Text(100), required=True),
        Column("issuer", Choice(DocumentIssuer), required=True),
        Column("valid_from", Date(), required=True),
        Column("valid_to", Date(), required=True),
        Column("scope", Text(300), default=""),
        Column("category", Choice(ContentCategory), default=""),
        Column("held_by_parent", Boolean(), default=False),
        Column("holder_name", Text(200), default=""),
        Column("authorising_media", Text(200), default=""),
    ),
    natural_key=("partner_code", "kind", "number"),
    writer=writers.BulkWriter,
    row_check=_document_check,
    aliases={
        "partner_code": PARTNER_CODE,
        "kind": ("证照类型",),
        "number": ("证照编号", "许可证编号"),
        "issuer": ("发证/授权机关", "发证机关"),
        "valid_from": ("有效期起", "有效期开始"),
        "valid_to": ("有效期至（含）", "有效期至"),
        "scope": ("许可范围",),
        "category": ("许可内容类别", "内容类别"),
        "held_by_parent": ("上级媒体持有", "是否上级媒体持有"),
        "holder_name": ("持证单位",),
        "authorising_media": ("授权媒体",),
    },
    example={
        "partner_code": EXAMPLE_PARTNER, "kind": DocumentKind.NEWS_LICENCE.label, "number": "国新网许字〔2026〕001号",
        "issuer": DocumentIssuer.STATE_COUNCIL_INFORMATION_OFFICE.label, "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2028, 12, 31), "scope": "互联网新闻信息服务", "category": "", "held_by_parent": "否",
        "holder_name": "", "authorising_media": "",
    },
)
