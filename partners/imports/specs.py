"""One spec per import kind: its columns (CONTRACT.md §1, extended), natural key and writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    #: other header names accepted for a column (Chinese first: the template's header): ``{column: (alias, …)}``
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: the template's example row, ``{column: value}`` (every required column; it must import cleanly)
    example: Mapping[str, Any] = field(default_factory=dict)

    def header_name(self, column: str) -> str:
        """The column's name in a template: its first (Chinese) alias, else the column name."""
        return (self.aliases.get(column) or (column,))[0]

    def canonical_header(self, header: list[str]) -> list[str]:
        """The file's header with every alias replaced by its column name (names are matched lower-cased)."""
        names = {alias.strip().lower(): column for column, aliases in self.aliases.items() for alias in aliases}
        return [names.get(name, name) for name in header]

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


def _contribution_marketing(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    # R-M-NODOUBLE speaks of client promotion *within* the marketing resources provided.
    if values.get("marketing_includes_client_promotion") and values.get("marketing_resources") is False:
        return [("marketing_includes_client_promotion", "marketing_resources 为 false 时不能为 true（R-M-NODOUBLE）")]
    return []


ZERO = Decimal("0.00")

# Header aliases per kind: the Chinese names staff use (the first is the template's header).
PARTNER_CODE = ("合作方编码", "合作方代码", "合作伙伴编码")
COOPERATION_TYPE = ("合作类型", "合作模式")

PARTNERS_ALIASES = {
    "code": ("合作方编码", "合作方代码", "编码"),
    "name": ("合作方名称", "名称", "公司名称"),
    "partner_class": ("合作方类别", "合作方类型", "类别"),
    "related_group": ("关联公司组", "关联公司"),
}
CONTRACTS_ALIASES = {
    "partner_code": PARTNER_CODE,
    "cooperation_type": COOPERATION_TYPE,
    "start_date": ("合同开始日期", "开始日期"),
    "end_date": ("合同结束日期", "结束日期"),
    "revenue_share": ("分成比例",),
    "incubation": ("孵化期", "是否孵化期"),
}
SUB_CHANNELS_ALIASES = {
    "partner_code": PARTNER_CODE,
    "code": ("子渠道编码", "推广子渠道编码"),
    "name": ("子渠道名称", "推广子渠道名称"),
}
COMPLAINTS_ALIASES = {
    "ticket_id": ("工单编号", "投诉工单编号", "工单号"),
    "partner_code": PARTNER_CODE,
    "cooperation_type": COOPERATION_TYPE,
    "received_on": ("受理日期", "投诉日期"),
    "province": ("省份", "投诉省份"),
    "category": ("投诉类别", "投诉类型"),
    "handled_late": ("处理超时", "是否超时"),
    "quality_failed": ("质检不合格", "是否质检不合格"),
    "upgraded_on": ("升级日期", "升级投诉日期"),
}
REVENUE_ALIASES = {
    "partner_code": PARTNER_CODE,
    "cooperation_type": COOPERATION_TYPE,
    "month": ("月份", "结算月份"),
    "phone_bill": ("话费收入（元）", "话费收入"),
    "third_party": ("第三方支付收入（元）", "第三方支付收入"),
    "cash": ("现金收入（元）", "现金收入"),
}
CONTRIBUTIONS_ALIASES = {
    "partner_code": PARTNER_CODE,
    "cooperation_type": COOPERATION_TYPE,
    "month": ("月份",),
    "marketing_resources": ("提供营销资源", "营销资源"),
    "marketing_includes_client_promotion": ("营销资源含客户端推广", "含客户端推广"),
    "cash_contribution": ("现金贡献（元）", "现金贡献"),
    "ad_sales": ("广告销售（元）", "广告销售"),
    "active_users": ("活跃用户数", "活跃用户"),
    "product_purchases": ("产品采购（元）", "产品采购"),
    "ads_placed": ("广告投放（元）", "广告投放"),
}

EXAMPLE_PARTNER = "P0001"

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
            aliases=PARTNERS_ALIASES,
            example={"code": EXAMPLE_PARTNER, "name": "示例科技有限公司", "partner_class": PartnerClass.ORDINARY.label,
                     "related_group": ""},
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
            aliases=CONTRACTS_ALIASES,
            example={"partner_code": EXAMPLE_PARTNER, "cooperation_type": CooperationType.SALES_CHANNEL.label,
                     "start_date": dt.date(2026, 1, 1), "end_date": dt.date(2026, 12, 31),
                     "revenue_share": Decimal("0.45"), "incubation": "否"},
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
            aliases=SUB_CHANNELS_ALIASES,
            example={"partner_code": EXAMPLE_PARTNER, "code": "P0001-01", "name": "示例子渠道"},
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
            aliases=COMPLAINTS_ALIASES,
            example={"ticket_id": "T202601010001", "partner_code": EXAMPLE_PARTNER,
                     "cooperation_type": CooperationType.SALES_CHANNEL.label, "received_on": dt.date(2026, 1, 5),
                     "province": "广东", "category": ComplaintCategory.UNKNOWING_SUBSCRIPTION.label,
                     "handled_late": "否", "quality_failed": "否", "upgraded_on": None},
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
            aliases=REVENUE_ALIASES,
            example={"partner_code": EXAMPLE_PARTNER, "cooperation_type": CooperationType.SALES_CHANNEL.label,
                     "month": "2026-01", "phone_bill": Decimal("12345.67"), "third_party": Decimal("0.00"),
                     "cash": Decimal("0.00")},
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
                Column("ads_placed", Money(), default=ZERO),
            ),
            natural_key=("partner_code", "cooperation_type", "month"),
            writer=writers.BulkWriter,
            row_check=_contribution_marketing,
            aliases=CONTRIBUTIONS_ALIASES,
            example={"partner_code": EXAMPLE_PARTNER, "cooperation_type": CooperationType.SALES_CHANNEL.label,
                     "month": "2026-01", "marketing_resources": "是", "marketing_includes_client_promotion": "否",
                     "cash_contribution": Decimal("0.00"), "ad_sales": Decimal("0.00"), "active_users": 1200,
                     "product_purchases": Decimal("0.00"), "ads_placed": Decimal("0.00")},
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
