"""Helpers for the import tests: write files, run the import, prove nothing was written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from partners.imports.result import ImportResult
from partners.imports.services import data_file_import
from partners.models import (
    ComplaintTicket,
    Contract,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    RelatedGroup,
    SubChannel,
)

DATA_MODELS = [Partner, RelatedGroup, Contract, SubChannel, ComplaintTicket, MonthlyRevenue, MonthlyContribution]


def csv_file(tmp_path: Path, text: str | bytes, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def xlsx_file(tmp_path: Path, rows: list[list], name: str = "data.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def run(kind: str, path: Path, **options) -> ImportResult:
    return data_file_import(kind=kind, file=path, **options)


def messages(result: ImportResult) -> list[str]:
    return [str(error) for error in result.errors]


def snapshot() -> dict[str, list]:
    """Every data row (and its history rows) of the partner tables: equal before and after = nothing written."""
    state = {}
    for model in DATA_MODELS:
        state[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
        history = getattr(model, "history", None)
        if history is not None:
            state[f"{model._meta.label}.history"] = history.count()
    return state


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
