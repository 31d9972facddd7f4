"""The one Excel (xlsx) exporter: every list staff work from, in the admin and over the API.

``model_columns(Model)`` derives the columns of a model from its fields (headers = the fields' verbose names in
the active language, coded values as their labels, partners as code + name, booleans 是/否, money with two
decimals); ``workbook_bytes(rows, columns)`` writes them. Every text cell is written as a string, and a text
starting with ``= + - @``, a tab or a carriage return is prefixed with ``'`` so that no spreadsheet reads it as
a formula (a partner named ``=HYPERLINK(…)`` stays text).

``ExportAdminMixin`` gives a changelist an "导出 Excel" action (the selected rows) and an ``export/`` page
(every row of the filtered list, linked from the changelist); ``ExportViewSetMixin`` gives an API list
``GET …/export/`` with the list's filters and partner scoping.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework.decorators import action

from core.months import format_month

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how to read the cell from a row (``money`` = sum it, 2 decimals)."""

    header: str
    value: Callable[[Any], Any]
    money: bool = False


def safe_text(text: str) -> str:
    """A text that no spreadsheet evaluates: a leading formula character gets a ``'`` in front."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def yes_no(value) -> str:
    if value is None:
        return ""
    return gettext("是") if value else gettext("否")


def breakdown_text(items) -> str:
    """A stored breakdown ``[{rule, points, detail, …}]`` as one line per item."""
    lines = []
    for item in items or []:
        if isinstance(item, dict):
            parts = [item.get("rule", ""), item.get("item", ""), item.get("points", ""), item.get("detail", "")]
            lines.append(" ".join(str(p) for p in parts if p not in ("", None)))
        else:
            lines.append(str(item))
    return "\n".join(lines)


def _json_text(value) -> str:
    if value in (None, "", [], {}):
        return ""
    return json.dumps(value, ensure_ascii=False, default=str)


def _field_column(field: models.Field) -> list[Column]:
    name, header = field.name, str(field.verbose_name)
    if field.primary_key and isinstance(field, models.AutoField):
        header = gettext("编号")
    if field.is_relation:
        related = field.related_model
        if related._meta.label == "partners.Partner":
            code_header = gettext("%(field)s编码") % {"field": header}
            name_header = gettext("%(field)s名称") % {"field": header}
            return [Column(code_header, lambda o, n=name: getattr(getattr(o, n), "code", "")),
                    Column(name_header, lambda o, n=name: getattr(getattr(o, n), "name", ""))]
        return [Column(header, lambda o, n=name: "" if getattr(o, n) is None else str(getattr(o, n)))]
    if field.choices:
        return [Column(header, lambda o, n=name: getattr(o, f"get_{n}_display")())]
    if isinstance(field, models.BooleanField):
        return [Column(header, lambda o, n=name: yes_no(getattr(o, n)))]
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and name == "month":
        return [Column(header, lambda o, n=name: format_month(getattr(o, n)) if getattr(o, n) else "")]
    if isinstance(field, models.JSONField):
        if name == "items":
            return [Column(header, lambda o, n=name: breakdown_text(getattr(o, n)))]
        return [Column(header, lambda o, n=name: _json_text(getattr(o, n)))]
    money = isinstance(field, models.DecimalField) and field.decimal_places == 2
    return [Column(header, lambda o, n=name: getattr(o, n), money=money)]


def model_columns(model, *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[Column]:
    """The columns of ``model``: its concrete fields in declaration order (or ``fields``), minus ``exclude``."""
    excluded = set(exclude)
    if fields is not None:
        chosen = [model._meta.get_field(name) for name in fields]
    else:
        chosen = [f for f in model._meta.concrete_fields if f.name not in excluded]
    columns: list[Column] = []
    for field in chosen:
        columns.extend(_field_column(field))
    return columns


def related_fields(model) -> list[str]:
    """The foreign keys to load with the rows (one query instead of one per row and column)."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def _cell(sheet, row: int, column: int, value, *, money: bool = False):
    if isinstance(value, bool):
        value = yes_no(value)
    elif isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    elif value is not None and not isinstance(value, int | float | Decimal | dt.date):
        value = str(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"  # a string, whatever it looks like
    else:
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif money:
            cell.number_format = MONEY_FORMAT
    return cell


def _write_sheet(sheet, rows, columns: list[Column], *, totals: bool) -> None:
    for index, column in enumerate(columns, start=1):
        _cell(sheet, 1, index, column.header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sums = [Decimal("0.00") if c.money else None for c in columns]
    row_number = 1
    for obj in rows:
        row_number += 1
        for index, column in enumerate(columns):
            value = column.value(obj)
            if column.money and value is not None:
                sums[index] += value
            _cell(sheet, row_number, index + 1, value, money=column.money)
    if totals:
        row_number += 1
        _cell(sheet, row_number, 1, gettext("合计")).font = Font(bold=True)
        for index, total in enumerate(sums[1:], start=2):
            if total is not None:
                _cell(sheet, row_number, index, total, money=True).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _items_sheet(sheet, rows, row_columns: list[Column]) -> None:
    """Every breakdown line of every row: the row's identifying columns, then the item's rule, points, detail."""
    keys: list[str] = []
    lines = []
    for obj in rows:
        for item in getattr(obj, "items", None) or []:
            item = item if isinstance(item, dict) else {"detail": item}
            keys.extend(k for k in item if k not in keys)
            lines.append((obj, item))
    headers = {"rule": gettext("规则编号"), "item": gettext("项目"), "points": gettext("分值"),
               "detail": gettext("说明"), "weight": gettext("权重")}
    columns = [Column(c.header, lambda line, c=c: c.value(line[0])) for c in row_columns]
    columns += [Column(headers.get(k, k), lambda line, k=k: _plain(line[1].get(k))) for k in keys]
    _write_sheet(sheet, lines, columns, totals=False)


def _plain(value):
    if isinstance(value, dict | list):
        return _json_text(value)
    return value


def workbook_bytes(rows: Iterable, columns: list[Column], *, title: str = "", group_by: Callable | None = None,
                   totals: bool = False, items_sheet: bool = False, item_row_columns: list[Column] | None = None,
                   empty_text: str = "") -> bytes:
    """The rows as an xlsx file: one sheet (``title``), or one sheet per ``group_by(row)`` in sorted order;
    ``totals`` adds a 合计 row of the money columns; ``items_sheet`` adds a sheet of every breakdown line, each
    with ``item_row_columns`` of its row (default: the first column)."""
    rows = list(rows)
    workbook = Workbook()
    workbook.remove(workbook.active)
    if group_by is None:
        groups = {title or gettext("导出"): rows}
    else:
        groups = {}
        for row in rows:
            groups.setdefault(str(group_by(row)), []).append(row)
        groups = dict(sorted(groups.items()))
    if not rows and group_by is not None:
        sheet = workbook.create_sheet(gettext("无数据"))
        _cell(sheet, 1, 1, empty_text or gettext("没有符合条件的记录"))
    for name, group in groups.items():
        _write_sheet(workbook.create_sheet(_sheet_title(name)), group, columns, totals=totals)
    if items_sheet:
        _items_sheet(workbook.create_sheet(gettext("计算明细")), rows, item_row_columns or columns[:1])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:MAX_SHEET_TITLE] or "-"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def month_span_filename(stem: str, months: Iterable) -> str:
    """``stem_2026-10.xlsx``, ``stem_2026-10_2026-12.xlsx`` or ``stem.xlsx`` (no month)."""
    months = sorted({format_month(m) for m in months if m})
    if not months:
        return f"{stem}.xlsx"
    return f"{stem}_{months[0]}.xlsx" if len(months) == 1 else f"{stem}_{months[0]}_{months[-1]}.xlsx"


class Exporter:
    """How one model is exported: subclass it for chosen columns and set ``exporter_class`` on the admin and the
    viewset of the model, so both write the same workbook."""

    fields: list[str] | None = None
    exclude: tuple[str, ...] = ()
    month_sheets = False  # one sheet per month (``month`` field) instead of one sheet
    totals = False
    items_sheet: bool | None = None  # None: when the model stores a breakdown (``items``)
    ordering: tuple[str, ...] = ()
    #: the fields repeated on each line of the breakdown sheet, to tell whose line it is
    item_row_fields: tuple[str, ...] = ("id", "partner", "cooperation_type", "month", "date")

    def __init__(self, model):
        self.model = model

    def columns(self) -> list[Column]:
        return model_columns(self.model, fields=self.fields, exclude=self.exclude)

    def prepare(self, queryset):
        queryset = queryset.select_related(*related_fields(self.model))
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    def filename(self, rows) -> str:
        stem = self.model._meta.model_name
        has_month = any(f.name == "month" for f in self.model._meta.concrete_fields)
        return month_span_filename(stem, (r.month for r in rows) if has_month else ())

    def content(self, rows) -> bytes:
        items_sheet = self.items_sheet
        if items_sheet is None:
            items_sheet = any(f.name == "items" for f in self.model._meta.concrete_fields)
        group_by = (lambda row: format_month(row.month)) if self.month_sheets else None
        names = {f.name for f in self.model._meta.concrete_fields}
        item_row_columns = model_columns(self.model, fields=[f for f in self.item_row_fields if f in names])
        return workbook_bytes(rows, self.columns(), title=str(self.model._meta.verbose_name_plural),
                              group_by=group_by, totals=self.totals, items_sheet=items_sheet,
                              item_row_columns=item_row_columns)

    def response(self, queryset) -> HttpResponse:
        rows = list(self.prepare(queryset))
        return xlsx_response(self.content(rows), self.filename(rows))


class ExportAdminMixin:
    """Admin: an "导出 Excel" action on the selected rows and an ``export/`` page for the whole filtered list."""

    change_list_template = "admin/change_list_export.html"
    exporter_class: type[Exporter] = Exporter

    def get_actions(self, request):
        actions = super().get_actions(request)
        if actions is not None and self.has_view_or_change_permission(request):
            actions["export_xlsx"] = (ExportAdminMixin._export_selected, "export_xlsx", _("导出 Excel（所选记录）"))
        return actions

    @staticmethod
    def _export_selected(modeladmin, request, queryset):
        return modeladmin.exporter_class(modeladmin.model).response(queryset)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self.exporter_class(self.model).response(changelist.get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_export")
        query = request.GET.urlencode()
        extra_context = {**(extra_context or {}), "export_url": f"{url}?{query}" if query else url}
        return super().changelist_view(request, extra_context)


class ExportViewSetMixin:
    """API: ``GET …/export/`` returns the list (same filters, same partner scoping, no paging) as xlsx."""

    exporter_class: type[Exporter] = Exporter

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, summary="导出 Excel")
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request, *args, **kwargs):
        """The filtered list as an Excel workbook (Chinese headers, coded values as their labels)."""
        queryset = self.filter_queryset(self.get_queryset())
        return self.exporter_class(queryset.model).response(queryset)
