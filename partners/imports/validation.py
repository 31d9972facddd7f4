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

from .columns import Column, Count, Date, ImportContext, Money, Month, Share, Text
from .errors import FieldError, FileRejected, RowError
from .readers import Unreadable

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
    #: the header's names (normalised), for messages about missing cells
    header: tuple[str, ...] = ()

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
    return Plan(
        columns=present, indexes=[seen[column.name] for column in present], width=len(header), header=tuple(header)
    )


def validated_rows(
    rows: Iterator[list[Any]],
    *,
    plan: Plan,
    ctx: ImportContext,
    result: ImportResult,
    row_check: Callable[[dict[str, Any], ImportContext], list[tuple[str, str]]] | None = None,
    on_progress: Callable[[int], None] | None = None,
    as_text: bool = False,
    exact_width: bool = False,
    typed_cells: bool = True,
) -> Iterator[list[Any]]:
    """Yield ``[line, *values]`` for every valid row; report every bad cell of every bad row.

    Parsers are built here, before the first row is read: they may load look-up tables (partner
    codes), which must not happen while a writer is already streaming rows to the database.
    ``as_text`` makes values COPY-ready text, memoised with the parse (the COPY writer's fast path).
    ``exact_width``: a record with fewer or more cells than the header is an error (CSV: a cut-short
    or over-long line; xlsx rows legitimately end at their last filled cell). ``typed_cells``: cells
    may be Excel values (datetimes, floats, ``Unreadable``), which get the checks only they need.
    """
    steps = []
    for column, index in zip(plan.columns, plan.indexes, strict=True):
        parse = cell_parser(column, ctx, typed_cells=typed_cells)
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
    return _loop(rows, steps, plan, result, row_check, on_progress, ctx, exact_width)


# --- What every column refuses before its own parser sees the cell -----------------------------------
# The column types (``columns.py``) say what a valid value is; these guards add what no column may let
# through whatever its type: text PostgreSQL cannot store, numbers Excel has mangled, numbers outside the
# one documented spelling, Excel cells that have no usable value.

#: Excel's display of a long number ("9.87654E+11"): the digits after the sixth are already lost
_EXCEL_SCIENTIFIC = re.compile(r"[+-]?\d(?:\.\d+)?[eE]\+\d+").fullmatch
#: the one number spelling accepted (docs/imports.md): ASCII digits, an optional sign and decimal point
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)").fullmatch
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]").search
#: a double holds 15 significant digits: a longer number in an xlsx text column has lost digits
_FLOAT_EXACT_LIMIT = 1e15


def unstorable_reason(text: str) -> str | None:
    """Why PostgreSQL (UTF-8) cannot store ``text``, or None: NUL characters and lone surrogates."""
    position = text.find("\x00")
    if position >= 0:
        return f"含有 NUL 字符（\\x00，第 {position + 1} 个字符），数据库无法保存；请删除后重新导入"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"含有无法保存的字符 U+{ord(text[exc.start]):04X}（第 {exc.start + 1} 个字符，不是有效的 Unicode 字符）"
        )
    return None


def not_plain_number_reason(text: str) -> str:
    if _FULL_WIDTH(text):
        return f"'{text}' 不是数字：含全角字符，请改为半角数字（如 1234.50）"
    if "_" in text or "," in text:
        return f"'{text}' 不是数字：不接受千位分隔符（写作 1000，不是 1,000 或 1_000）"
    return f"'{text}' 不是数字（只接受半角数字、可选的小数点，如 1234.50）"


def guarded(column: Column, parse, *, typed_cells: bool):
    """``parse`` behind the checks every column of its type needs (see above)."""
    column_type = column.type
    if isinstance(column_type, Text):
        parse = _checked_first(_check_text, parse)
    elif isinstance(column_type, (Money, Share, Count)):
        parse = _checked_first(_check_number, parse)
    elif isinstance(column_type, (Date, Month)):
        parse = _checked_first(_date_check(column), parse)
    if typed_cells:
        parse = _checked_first(_check_readable, parse)
    return parse


def cell_parser(column: Column, ctx: ImportContext, *, typed_cells: bool):
    """The one parser of a column's cells (trim, blank, required, the guards, the conversion): the loop below
    and the complaint import's SQL path (``writers.ComplaintsCopyWriter.consume_csv``) both use it."""
    return guarded(column, column.parser(ctx), typed_cells=typed_cells)


def _checked_first(check, parse):
    """``parse`` run only after ``check`` (which raises ``FieldError``) has passed the raw cell."""

    def parse_checked(raw):
        check(raw)
        return parse(raw)

    return parse_checked


def _check_text(raw) -> None:
    if raw.__class__ is str:
        if not raw.isprintable():  # cheap test first: ordinary text is printable
            reason = unstorable_reason(raw)
            if reason:
                raise FieldError(reason)
        if _EXCEL_SCIENTIFIC(raw.strip()):
            raise FieldError(
                f"'{raw.strip()}' 是 Excel 显示的科学计数法，原来的数字已丢失；"
                "请把该列设为“文本”格式后重新输入或导出"
            )
    elif raw.__class__ is float and abs(raw) >= _FLOAT_EXACT_LIMIT:
        raise FieldError(
            f"数字 {raw:.15g} 超过 15 位有效数字，Excel 已丢失后面的位数；请把该列设为“文本”格式后重新输入"
        )


def _check_number(raw) -> None:
    if raw.__class__ is str:
        text = raw.strip()
        if text and not _PLAIN_NUMBER(text):
            raise FieldError(not_plain_number_reason(text))


def _date_check(column: Column):
    form = "YYYY-MM 形式的月份" if isinstance(column.type, Month) else "YYYY-MM-DD 形式的日期"

    def check_date(raw) -> None:
        if raw.__class__ is str:
            if not raw.isascii():
                raise FieldError(f"'{raw.strip()}' 不是 {form}：含全角或非 ASCII 字符，请改为半角数字")
        elif isinstance(raw, dt.datetime) and raw.time() != dt.time(0):
            raise FieldError(
                f"Excel 单元格 {raw:%Y-%m-%d %H:%M} 带有时间部分；{column.name} 只接受日期（请把单元格格式设为日期）"
            )

    return check_date


def _check_readable(raw) -> None:
    if raw.__class__ is Unreadable:
        raise FieldError(raw.reason)


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
            if text and len(text) <= max_length and text.isprintable() and "\\" not in text and "E+" not in text:
                return text
        return parse(raw)

    return lookup


def _loop(rows, steps, plan, result, row_check, on_progress, ctx, exact_width) -> Iterator[list[Any]]:
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
            out = None if exact_width and len(row) < width else _row_errors(row, steps, result)
        if len(row) != width:
            if len(row) > width:
                if not _extra_cells_ok(row, width, result, exact_width):
                    out = None
            elif exact_width:
                _report_short_row(row, plan, result)
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


def _extra_cells_ok(row, width, result, exact_width) -> bool:
    ok = True
    for extra in range(width, len(row)):
        cell = row[extra]
        if cell is not None and str(cell).strip():
            result.add_error(row[0], f"#{extra}", f"表头之外多出的值 '{cell}'（请检查分隔符和引号）")
            ok = False
    if ok and exact_width:
        result.add_error(
            row[0], f"#{width}", f"该行有 {len(row) - 1} 个值，多于表头的 {width - 1} 列（多余的分隔符？）"
        )
        ok = False
    return ok


def _report_short_row(row, plan, result) -> None:
    """A record with fewer cells than the header: never default the missing cells (a cut-short last line)."""
    present = len(row) - 1
    missing = plan.header[present] if present < len(plan.header) and plan.header[present] else f"#{present + 1}"
    result.add_error(
        row[0], missing,
        f"该行只有 {present} 个值，少于表头的 {plan.width} 列（行不完整，可能被截断）；缺少的值不会按默认值补齐",
    )
