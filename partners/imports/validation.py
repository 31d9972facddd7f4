"""Header checks and the per-row validation loop shared by every kind.

The loop is deliberately plain: per column one memo look-up (or one parser call), no ORM, no
query. It yields ``[line, value, value, …]`` lists for valid rows, in the order of the plan's
columns, and reports every invalid cell through ``result.add_error``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .columns import Column, ImportContext, Text
from .errors import FieldError, FileRejected, RowError

if TYPE_CHECKING:
    from .result import ImportResult
    from .specs import ImportSpec

#: stop memoising a column once it has this many distinct spellings (memory stays bounded)
MEMO_LIMIT = 50_000
PROGRESS_EVERY = 10_000


@dataclass
class Plan:
    """The columns found in the file's header, in the order values are produced."""

    columns: list[Column]
    indexes: list[int]
    width: int

    @property
    def fields(self) -> list[str]:
        return [column.attname for column in self.columns]

    def position(self, attname: str) -> int | None:
        """Index of a field's value in a produced row (after the leading line number), or None."""
        for offset, column in enumerate(self.columns, start=1):
            if column.attname == attname:
                return offset
        return None


def plan_for(spec: ImportSpec, header: list[str], result: ImportResult) -> Plan:
    """Match the header against the kind's columns; FileRejected if required columns are missing."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, name, f"列名重复（第 {seen[name] + 1} 列与第 {index + 1} 列）"))
        else:
            seen[name] = index
    known = {column.name for column in spec.columns}
    for name in seen:
        if name not in known:
            result.add_warning(RowError(1, name, "未知列，已忽略"))
    for column in spec.columns:
        if column.required and column.name not in seen:
            errors.append(RowError(1, column.name, "缺少必填列"))
    if errors:
        raise FileRejected(errors)
    present = [column for column in spec.columns if column.name in seen]
    return Plan(columns=present, indexes=[seen[column.name] for column in present], width=len(header))


def validated_rows(
    rows: Iterator[list[Any]],
    *,
    plan: Plan,
    ctx: ImportContext,
    result: ImportResult,
    row_check: Callable[[dict[str, Any], ImportContext], list[tuple[str, str]]] | None = None,
    on_progress: Callable[[int], None] | None = None,
    as_text: bool = False,
) -> Iterator[list[Any]]:
    """Yield ``[line, *values]`` for every valid row; report every bad cell of every bad row.

    Parsers are built here, before the first row is read: they may load look-up tables (partner
    codes), which must not happen while a writer is already streaming rows to the database.
    ``as_text`` makes values COPY-ready text, memoised with the parse (the COPY writer's fast path).
    """
    steps = []
    for column, index in zip(plan.columns, plan.indexes, strict=True):
        parse = column.parser(ctx)
        if as_text:
            parse = _as_text(parse)
        if column.type.cacheable:
            lookup = _Memo(parse).__getitem__
        elif as_text and isinstance(column.type, Text):
            lookup = _plain_text(parse, column)
        else:
            lookup = parse
        # +1: a row list starts with its line number
        steps.append((index + 1, column.name, lookup))
    if as_text and row_check is not None:
        raise ValueError("row checks need typed values; as_text is for writers that copy text")
    return _loop(rows, steps, plan, result, row_check, on_progress, ctx)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def copy_text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format: \\N for NULL, t/f, ISO dates, escaped text."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE(value) else value
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_text(parse):
    def parse_text(raw):
        return copy_text(parse(raw))

    return parse_text


class _Memo(dict):
    """Cell → value for low-cardinality columns: a hit is one dictionary look-up; a miss parses the
    cell (raising FieldError) and remembers the result, up to MEMO_LIMIT spellings."""

    __slots__ = ("parse",)

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, raw):
        value = self.parse(raw)
        if len(self) < MEMO_LIMIT:
            self[raw] = value
        return value


def _plain_text(parse, column: Column):
    """Fast path for free text on the COPY path (ticket ids): ordinary values need no escaping."""
    max_length = column.type.max_length

    def lookup(raw):
        if raw.__class__ is str:
            text = raw.strip()
            if text and len(text) <= max_length and text.isprintable() and "\\" not in text:
                return text
        return parse(raw)

    return lookup


def _loop(rows, steps, plan, result, row_check, on_progress, ctx) -> Iterator[list[Any]]:
    width = plan.width + 1
    fields = plan.fields
    lookups = [(index, lookup) for index, _name, lookup in steps]
    count = 0
    for row in rows:
        count += 1
        try:
            out = [row[0]]
            for index, lookup in lookups:
                out.append(lookup(row[index]))
        except (FieldError, IndexError):
            # Slow path for this row only: report every bad cell of it.
            out = _row_errors(row, steps, result)
        if len(row) > width and not _extra_cells_ok(row, width, result):
            out = None
        if out is not None and row_check is not None:
            for column, reason in row_check(dict(zip(fields, out[1:], strict=True)), ctx):
                result.add_error(row[0], column, reason)
                out = None
        if out is not None:
            yield out
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    result.rows = count
    if on_progress is not None:
        on_progress(count)


def _row_errors(row, steps, result) -> list[Any] | None:
    """The row's values, or None after reporting each bad cell (a missing cell is blank)."""
    line, size = row[0], len(row)
    out, ok = [line], True
    for index, name, lookup in steps:
        try:
            out.append(lookup(row[index] if index < size else None))
        except FieldError as exc:
            result.add_error(line, name, str(exc))
            ok = False
    return out if ok else None


def _extra_cells_ok(row, width, result) -> bool:
    ok = True
    for extra in range(width, len(row)):
        cell = row[extra]
        if cell is not None and str(cell).strip():
            result.add_error(row[0], f"#{extra}", f"表头之外多出的值 '{cell}'（请检查分隔符和引号）")
            ok = False
    return ok
