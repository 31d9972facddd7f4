"""Template files for each import kind: the header (Chinese names) and one example row that imports as is,
then a second sheet explaining every column (names accepted, required, values)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import safe_text

from .columns import BOOLEAN_HINT, Boolean, Choice, Date, Money, Month, Share
from .specs import ImportSpec


def _values_hint(column) -> str:
    kind = column.type
    if isinstance(kind, Choice):
        labels = kind.labels()
        by_value: dict[str, list[str]] = {}
        for spelling, value in labels.items():
            if spelling != value:
                by_value.setdefault(value, []).append(spelling)
        return "；".join(f"{value}（{' / '.join(names)}）" for value, names in by_value.items())
    if isinstance(kind, Boolean):
        return BOOLEAN_HINT
    if isinstance(kind, Month):
        return "YYYY-MM"
    if isinstance(kind, Date):
        return "YYYY-MM-DD"
    if isinstance(kind, Money):
        return "元，≥ 0，最多两位小数"
    if isinstance(kind, Share):
        return "0–1，最多四位小数（45% 写 0.45）"
    return ""


def template_workbook(spec: ImportSpec) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.kind
    sheet.append([spec.header_name(column.name) for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=2, column=index)
        value = spec.example.get(column.name)
        if isinstance(value, Promise):  # a choice's label: the template shows the Chinese one
            with translation.override(settings.LANGUAGE_CODE):
                value = str(value)
        if isinstance(value, str):
            cell.value, cell.data_type = safe_text(value), "s"
        else:
            cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[cell.column_letter].width = 18
    notes = workbook.create_sheet("说明")
    notes.append(["列", "表头（可用名称）", "必填", "取值"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        names = " / ".join((*spec.aliases.get(column.name, ()), column.name))
        notes.append([column.name, names, "是" if column.required else "", _values_hint(column)])
    notes.append([])
    notes.append([f"自然键：{' + '.join(spec.natural_key)}；全部成功或全部不写入；只读取第一个工作表。"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(spec: ImportSpec) -> str:
    return f"import_template_{spec.kind}.xlsx"
