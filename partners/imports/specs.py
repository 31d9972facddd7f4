"""One spec per import kind: its columns (CONTRACT.md §1, extended), natural key and writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from partners.choices import ComplaintCategory, CooperationType, ImportKind, PartnerClass
from partners.models import (
    ComplaintTicket,
    Contract,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    SubChannel,
)

from . import writers
from .columns import Boolean, Choice, Code, Column, Count, Date, ImportContext, Money, Month, PartnerRef, Share, Text


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    #: column names whose values identify a stored row
    natural_key: tuple[str, ...]
    #: the writer class, or a function returning it (chosen by database)
    writer: Callable[[], type[writers.BulkWriter]] | type[writers.BulkWriter]
    #: checks across columns of one row: ``(values by field, import context) → [(column, reason)]``
    row_check: Callable[[dict[str, Any], ImportContext], list[tuple[str, str]]] | None = None

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def writer_class(self) -> type[writers.BulkWriter]:
        if isinstance(self.writer, type):
            return self.writer
        return self.writer()


def _partner_code() -> Column:
    return Column("partner_code", PartnerRef(), required=True, field="partner_id")


def _cooperation_type() -> Column:
    return Column("cooperation_type", Choice(CooperationType), required=True)


def _contract_dates(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        return [("end_date", f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}")]
    return []


def _purchasable_categories(ctx: ImportContext, month) -> tuple[str, list[str]]:
    """(rule id, categories) of R-K-PRODUCTS in the rule set in force for the month (oldest set before it)."""
    from scoring.selectors import rule_book_in_force_or_oldest

    def load():
        _, book = rule_book_in_force_or_oldest(on=month)
        return book.rule_id("credit_product_categories"), book.items("credit_product_categories")

    return ctx.table(f"product_categories:{month:%Y-%m}", load)


def _contribution_checks(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    errors = []
    # R-M-NODOUBLE speaks of client promotion *within* the marketing resources provided.
    if values.get("marketing_includes_client_promotion") and values.get("marketing_resources") is False:
        errors.append(("marketing_includes_client_promotion",
                       "marketing_resources 为 false 时不能为 true（R-M-NODOUBLE）"))
    # R-K-PRODUCTS: a purchase names its product category, one of the rule set's purchasable categories
    category = values.get("product_category") or ""
    if (values.get("product_purchases") or ZERO) > 0 or category:
        rule_id, categories = _purchasable_categories(ctx, values["month"])
        if category not in categories:
            got = f"“{category}”" if category else "空"
            errors.append(("product_category", f"{rule_id}：采购须填写可采购的咪咕产品/服务类别 "
                                               f"{', '.join(categories)} 之一，得到{got}"))
    return errors


ZERO = Decimal("0.00")

SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in [
        ImportSpec(
            kind=ImportKind.PARTNERS,
            label="合作方",
            model=Partner,
            columns=(
                Column("code", Code(64), required=True),
                Column("name", Text(200), required=True),
                Column("partner_class", Choice(PartnerClass), required=True),
                Column("related_group", Text(200), field="related_group_id"),
            ),
            natural_key=("code",),
            writer=writers.PartnersWriter,
        ),
        ImportSpec(
            kind=ImportKind.CONTRACTS,
            label="合作合同",
            model=Contract,
            columns=(
                _partner_code(),
                _cooperation_type(),
                Column("start_date", Date(), required=True),
                Column("end_date", Date()),
                Column("revenue_share", Share(), required=True),
                Column("incubation", Boolean()),
            ),
            natural_key=("partner_code", "cooperation_type", "start_date"),
            writer=writers.ContractsWriter,
            row_check=_contract_dates,
        ),
        ImportSpec(
            kind=ImportKind.SUB_CHANNELS,
            label="推广子渠道",
            model=SubChannel,
            columns=(
                _partner_code(),
                Column("code", Code(64), required=True),
                Column("name", Text(200), required=True),
            ),
            natural_key=("code",),
            writer=writers.BulkWriter,
        ),
        ImportSpec(
            kind=ImportKind.COMPLAINTS,
            label="投诉工单",
            model=ComplaintTicket,
            columns=(
                Column("ticket_id", Text(64), required=True),
                _partner_code(),
                _cooperation_type(),
                Column("received_on", Date(), required=True),
                Column("province", Code(32), default=""),
                Column("category", Choice(ComplaintCategory), default=ComplaintCategory.UNKNOWING_SUBSCRIPTION),
                Column("handled_late", Boolean(), default=False),
                Column("quality_failed", Boolean(), default=False),
                Column("upgraded_on", Date()),
            ),
            natural_key=("ticket_id",),
            writer=writers.complaints_writer,
        ),
        ImportSpec(
            kind=ImportKind.REVENUE,
            label="月度信息费收入",
            model=MonthlyRevenue,
            columns=(
                _partner_code(),
                _cooperation_type(),
                Column("month", Month(), required=True),
                Column("phone_bill", Money(), required=True),
                Column("third_party", Money(), required=True),
                Column("cash", Money(), required=True),
            ),
            natural_key=("partner_code", "cooperation_type", "month"),
            writer=writers.BulkWriter,
        ),
        ImportSpec(
            kind=ImportKind.CONTRIBUTIONS,
            label="月度综合贡献",
            model=MonthlyContribution,
            columns=(
                _partner_code(),
                _cooperation_type(),
                Column("month", Month(), required=True),
                Column("marketing_resources", Boolean(), default=False),
                Column("marketing_includes_client_promotion", Boolean(), default=False),
                Column("cash_contribution", Money(), default=ZERO),
                Column("ad_sales", Money(), default=ZERO),
                Column("active_users", Count(), default=0),
                Column("product_purchases", Money(), default=ZERO),
                Column("product_category", Code(40), default=""),
                Column("ads_placed", Money(), default=ZERO),
            ),
            natural_key=("partner_code", "cooperation_type", "month"),
            writer=writers.BulkWriter,
            row_check=_contribution_checks,
        ),
    ]
}


def register_spec(spec: ImportSpec) -> None:
    """Let another app add an import kind (called from its ``AppConfig.ready``); one code path for all kinds."""
    SPECS[spec.kind] = spec


def spec_for(kind: str) -> ImportSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"未知的导入类型 '{kind}'，可选：{', '.join(SPECS)}") from None
