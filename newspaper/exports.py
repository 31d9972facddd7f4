"""Excel exports of the newspaper lists, written by the shared exporter (``core.exports``): the national product
catalogue, the test results (one row per tester's score) and the per-product records with their partner.

Each exporter is set as ``exporter_class`` on both the admin and the API viewset, so both write the same workbook.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Column, Exporter, workbook_bytes, yes_no

from .models import CatalogueProduct, ProductTest, TesterScore

CATALOGUE_FIELDS = ["partner", "name", "editing_mode", "category", "delivery_format", "frequency", "suggested_price",
                    "status", "listed_on"]


class CatalogueExporter(Exporter):
    """《全国手机报产品目录》: the listed national products (the admin's proxy page and the API list alike)."""

    fields = CATALOGUE_FIELDS
    items_sheet = False
    ordering = ("category", "name", "id")

    def __init__(self, model):
        super().__init__(CatalogueProduct)

    def filename(self, rows) -> str:
        return "newspaper-catalogue.xlsx"


def _partner_columns() -> list[Column]:
    return [Column(_("合作方编码"), lambda row: row.product.partner.code),
            Column(_("合作方名称"), lambda row: row.product.partner.name)]


class ProductRecordExporter(Exporter):
    """A record of a product (breach, operating score, score action): its partner first, then its own fields."""

    item_row_fields = ("id", "product", "year")

    def columns(self) -> list[Column]:
        return [*_partner_columns(), *super().columns()]

    def prepare(self, queryset):
        return super().prepare(queryset.select_related("product__partner"))


class ProductTestResultsExporter(Exporter):
    """The test results: one row per named tester (a test without testers gets one row), with the test's average,
    decision and status (R-N-LAUNCH)."""

    ordering = ("-start_date", "-id")

    def columns(self) -> list[Column]:
        def test(read):
            return lambda row: read(row[0])

        def score(read):
            return lambda row: read(row[1]) if row[1] is not None else ""

        return [
            Column(_("合作方编码"), test(lambda t: t.product.partner.code)),
            Column(_("合作方名称"), test(lambda t: t.product.partner.name)),
            Column(_("产品名称"), test(lambda t: t.product.name)),
            Column(_("上线流程轮次"), test(lambda t: t.launch_round)),
            Column(_("测试开始日期"), test(lambda t: t.start_date)),
            Column(_("测试最后一天"), test(lambda t: t.end_date)),
            Column(_("测试得分（平均）"), test(lambda t: t.average)),
            Column(_("测试结论"), test(lambda t: t.get_decision_display())),
            Column(_("审批状态"), test(lambda t: t.get_status_display())),
            Column(_("规则集版本"), test(lambda t: t.rule_set.version)),
            Column(_("测试人员"), score(lambda s: s.tester)),
            Column(_("评分"), score(lambda s: s.score)),
            Column(_("评分日期"), score(lambda s: s.scored_on)),
            Column(_("逾期"), score(lambda s: yes_no(s.late))),
            Column(_("计入平均分"), score(lambda s: yes_no(s.counted))),
        ]

    def prepare(self, queryset):
        tests = super().prepare(queryset.select_related("product__partner", "rule_set").prefetch_related("scores"))
        rows: list[tuple[ProductTest, TesterScore | None]] = []
        for item in tests:
            scores = sorted(item.scores.all(), key=lambda s: s.tester)
            rows.extend([(item, s) for s in scores] or [(item, None)])
        return rows

    def filename(self, rows) -> str:
        return "newspaper-tests.xlsx"

    def content(self, rows) -> bytes:
        return workbook_bytes(rows, self.columns(), title=_("产品测试结果"))
