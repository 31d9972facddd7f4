"""Header checks and the per-row validation loop shared by every kind.

The loop is deliberately plain: per column one memo look-up (or one parser call), no ORM, no
query. It yields ``[line, value, value, …]`` lists for valid rows, in the order of the plan's
columns, and reports every invalid cell through ``result.add_error``.
"""

from __future__ import annotations

import datetime as dt
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
_MISS = object()


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

    def has(self, name: str) -> bool:
        return any(column.name == name for column in self.columns)


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
    row_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
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
        memo = {} if column.type.cacheable else None
        parse = column.parser(ctx)
        if as_text and not isinstance(column.type, Text):
            parse = _as_text(parse)
        # +1: a row list starts with its line number
        steps.append((index + 1, column.name, parse, memo))
    if as_text and row_check is not None:
        raise ValueError("row checks need typed values; as_text is for writers that copy text")
    return _loop(rows, steps, plan, result, row_check, on_progress)


def copy_text(value: Any) -> str | None:
    """A value as PostgreSQL's COPY reads it (booleans t/f, ISO dates); None stays None (NULL)."""
    if value is None or value.__class__ is str:
        return value
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


def _loop(rows, steps, plan, result, row_check, on_progress) -> Iterator[list[Any]]:
    width = plan.width + 1
    fields = plan.fields
    add_error = result.add_error
    count = 0
    for row in rows:
        count += 1
        line = row[0]
        size = len(row)
        out = [line]
        ok = True
        for index, name, parse, memo in steps:
            raw = row[index] if index < size else None
            if memo is not None:
                value = memo.get(raw, _MISS)
                if value is _MISS:
                    try:
                        value = parse(raw)
                    except FieldError as exc:
                        add_error(line, name, str(exc))
                        ok = False
                        continue
                    if len(memo) < MEMO_LIMIT:
                        memo[raw] = value
            else:
                try:
                    value = parse(raw)
                except FieldError as exc:
                    add_error(line, name, str(exc))
                    ok = False
                    continue
            out.append(value)
        if size > width:
            for extra in range(width, size):
                cell = row[extra]
                if cell is not None and str(cell).strip():
                    add_error(line, f"#{extra}", f"表头之外多出的值 '{cell}'（请检查分隔符和引号）")
                    ok = False
        if ok and row_check is not None:
            for column, reason in row_check(dict(zip(fields, out[1:], strict=True))):
                add_error(line, column, reason)
                ok = False
        if ok:
            yield out
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    result.rows = count
    if on_progress is not None:
        on_progress(count)
