"""The ``code_stats`` kind of ``import_data``: monthly statistics per business code (users / orders)."""

from typing import Any

from partners.choices import ImportKind
from partners.imports import writers
from partners.imports.columns import Column, ColumnType, Count, ImportContext, Month, cell_text
from partners.imports.errors import FieldError
from partners.imports.specs import ImportSpec

from .choices import CodeKind
from .models import BusinessCode, CodeMonthlyStat


def _code_kinds(ctx: ImportContext) -> dict[str, tuple[int, str]]:
    return ctx.table("business_codes", lambda: {
        code: (pk, kind) for code, pk, kind in BusinessCode.objects.values_list("code", "pk", "kind")
    })


class BusinessCodeRef(ColumnType):
    """A business code, resolved to its id through one dictionary loaded per import."""

    cacheable = True

    def converter(self, ctx):
        codes = _code_kinds(ctx)

        def convert(value):
            code = value if value.__class__ is str else cell_text(value)
            try:
                return codes[code][0]
            except KeyError:
                raise FieldError(f"业务代码 '{code}' 不存在") from None

        return convert


def _measure_matches_kind(values: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    """Monthly codes are measured in users, per-use codes in orders: a figure in the wrong column is an error."""
    kinds = {pk: kind for pk, kind in _code_kinds(ctx).values()}
    kind = kinds.get(values["code_id"])
    if kind == CodeKind.MONTHLY and not values["users"] and values["orders"]:
        return [("users", "包月代码须填写用户数（orders 仅用于按次代码）")]
    if kind == CodeKind.PER_USE and not values["orders"] and values["users"]:
        return [("orders", "按次代码须填写订购次数（users 仅用于包月代码）")]
    return []


CODE_STATS_SPEC = ImportSpec(
    kind=ImportKind.CODE_STATS,
    label="业务代码月度统计",
    model=CodeMonthlyStat,
    columns=(
        Column("code", BusinessCodeRef(), required=True, field="code_id"),
        Column("month", Month(), required=True),
        Column("users", Count(), default=0),
        Column("orders", Count(), default=0),
    ),
    natural_key=("code", "month"),
    writer=writers.BulkWriter,
    row_check=_measure_matches_kind,
    aliases={"code": ("业务代码", "代码"), "month": ("月份", "统计月份"), "users": ("用户数",),
             "orders": ("订购次数",)},
    example={"code": "B0001", "month": "2026-01", "users": 1200, "orders": 0},
)
