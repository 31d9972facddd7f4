"""The ``newspaper_products`` and ``newspaper_documents`` kinds of ``import_data`` (one import framework)."""

from __future__ import annotations

from typing import Any

from partners.imports import writers
from partners.imports.columns import Boolean, Choice, Column, Date, ImportContext, Money, PartnerRef, Text
from partners.imports.specs import ImportSpec

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
)
