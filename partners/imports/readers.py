"""Read a CSV (UTF-8, with or without BOM) or the first sheet of an .xlsx, streaming.

A reader gives the header (stripped, lower-cased) and an iterator of ``[line, cell, cell, …]``
lists, blank lines skipped. ``line`` is the physical line (CSV) or sheet row (xlsx) on which the
record starts, the header being row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from .errors import FILE, FileRejected, RowError

_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls

# The csv module's field limit (128 KiB) is kept: no column holds that much, and a field that long
# nearly always means an unclosed quote swallowing the rest of the file.
CSV_FIELD_LIMIT = csv.field_size_limit()

#: the values Excel shows for a formula that failed (data-only reading gives them as text)
#: The notes sheet of the import templates (template_files): column help, never data to warn about.
TEMPLATE_NOTES_SHEET = "说明"
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


class Unreadable:
    """An xlsx cell whose value cannot be used (a formula never calculated, an Excel error value):
    every column rejects it with ``reason`` instead of reading it as blank or as text."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unreadable({self.reason!r})"


class Table:
    header: list[str]
    #: every record has exactly one cell per header column (CSV); xlsx rows end at their last cell
    exact_width = False
    #: cells may be ``Unreadable`` or typed (datetime, float), not only text
    typed_cells = False

    def __init__(self) -> None:
        #: file-level remarks that do not stop the import (``RowError``)
        self.warnings: list[RowError] = []

    def rows(self) -> Iterator[list[Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _normalise_header(cells) -> list[str]:
    return [("" if cell is None else str(cell)).replace("\ufeff", "").strip().lower() for cell in cells]


class CsvTable(Table):
    exact_width = True

    def __init__(self, binary: IO[bytes]):
        super().__init__()
        self.binary = binary
        self._start()

    def rewind(self) -> None:
        """Read the file again from its first data row (after the complaint import's SQL path declined it)."""
        self.close()
        self.binary.seek(0)
        self._start()

    def _start(self) -> None:
        self._text = io.TextIOWrapper(self.binary, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)
        header = None
        try:
            for cells in self._reader:
                if cells and any(cell.strip() for cell in cells):
                    header = cells
                    break
                raise FileRejected([RowError(self._reader.line_num, FILE, "第一行是空的，应为表头（列名）")])
        except csv.Error as exc:
            raise FileRejected([_csv_error(1, exc)]) from None
        if header is None:
            raise FileRejected([RowError(1, FILE, "文件为空，没有表头")])
        self.header = _normalise_header(header)

    def rows(self) -> Iterator[list[Any]]:
        reader = self._reader
        previous = reader.line_num
        try:
            for cells in reader:
                line = previous + 1
                previous = reader.line_num
                if not cells:
                    continue
                if not cells[0].strip() and not "".join(cells).strip():
                    continue
                cells.insert(0, line)
                yield cells
        except csv.Error as exc:
            raise FileRejected([_csv_error(previous + 1, exc)]) from None

    def close(self) -> None:
        # Leave the caller's file open (the admin may re-read it to diagnose its encoding).
        try:
            self._text.detach()
        except ValueError:
            pass


def _csv_error(line: int, exc: csv.Error) -> RowError:
    """A record the csv module refuses (a field over the limit) rejects the file at the line it starts on."""
    if "field larger than field limit" in str(exc):
        reason = (
            f"有一个字段超过 {CSV_FIELD_LIMIT // 1024} KiB，无法读取"
            "（通常是某个引号没有闭合，把后面的内容都并入了一个字段）"
        )
    else:
        reason = f"CSV 格式错误（{exc}）"
    return RowError(line, FILE, reason)


class XlsxTable(Table):
    typed_cells = True

    def __init__(self, binary: IO[bytes]):
        from openpyxl import load_workbook

        super().__init__()
        try:
            # Cached values for the data; the formulas (a second, lazy reading of the same sheet) only
            # to tell a formula that was never calculated from an empty cell.
            self._book = load_workbook(binary, read_only=True, data_only=True)
            binary.seek(0)
            self._formulas_book = load_workbook(binary, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise FileRejected([RowError(1, FILE, f"不是有效的 .xlsx 文件（{exc}）")]) from None
        sheet = self._book.worksheets[0]
        formulas = self._formulas_book.worksheets[0]
        # Some writers record a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        formulas.reset_dimensions()
        self._rows = _checked_xlsx_rows(sheet.iter_rows(values_only=True), formulas.iter_rows(values_only=True))
        for other in self._book.worksheets[1:]:
            if other.title != TEMPLATE_NOTES_SHEET and _sheet_has_data(other):
                self.warnings.append(RowError(
                    1, FILE, f"工作表“{other.title}”有数据，已忽略（只导入第一个工作表“{sheet.title}”）"
                ))
        first = next(self._rows, None)
        if first is None:
            raise FileRejected([RowError(1, FILE, "工作表为空，没有表头")])
        if all(_blank(cell) for cell in first):
            raise FileRejected([RowError(1, FILE, "第一行是空的，应为表头（列名）")])
        self.header = _normalise_header(first)

    def rows(self) -> Iterator[list[Any]]:
        line = 1
        for cells in self._rows:
            line += 1
            if all(_blank(cell) for cell in cells):
                continue
            yield [line, *cells]

    def close(self) -> None:
        self._book.close()
        self._formulas_book.close()


def _checked_xlsx_rows(values: Iterator[tuple], formulas: Iterator[tuple]) -> Iterator[tuple]:
    """Rows of cached values, with ``Unreadable`` for formulas without a cached value and Excel errors."""
    for row, formula_row in zip(values, formulas, strict=False):
        bad = None
        for index, cell in enumerate(row):
            if cell is None:
                formula = formula_row[index] if index < len(formula_row) else None
                if isinstance(formula, str) and formula.startswith("="):
                    bad = bad or list(row)
                    bad[index] = Unreadable(
                        f"公式 {formula[:60]} 没有计算结果（文件未在 Excel 中计算并保存过）；"
                        "请在 Excel 中打开、保存后重新导入，或把公式粘贴为数值"
                    )
            elif cell.__class__ is str and cell in EXCEL_ERRORS:
                bad = bad or list(row)
                bad[index] = Unreadable(f"单元格是 Excel 错误值 {cell}（公式出错），请修正后重新导入")
        yield row if bad is None else tuple(bad)


def _sheet_has_data(sheet) -> bool:
    sheet.reset_dimensions()
    return any(not _blank(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def open_table(binary: IO[bytes], file_name: str) -> Table:
    """The table in ``binary``; ``FileRejected`` for empty files and formats that are not CSV or xlsx."""
    head = binary.read(8)
    binary.seek(0)
    if not head:
        raise FileRejected([RowError(1, FILE, "文件为空（0 字节）")])
    name = (file_name or "").lower()
    if head.startswith(_XLSX_MAGIC) or name.endswith(".xlsx"):
        return XlsxTable(binary)
    if head.startswith(_OLE2_MAGIC) or name.endswith(".xls"):
        raise FileRejected([RowError(1, FILE, "不支持旧版 .xls 文件，请另存为 .xlsx 或“CSV UTF-8”")])
    return CsvTable(binary)


def encoding_error(binary: IO[bytes]) -> RowError:
    """Which line is not UTF-8, and a hint what it is: for a file that failed to decode."""
    binary.seek(0)
    first_bad = None
    bad_lines = 0
    gb_ok = True
    decoder_gb = codecs.getincrementaldecoder("gb18030")()
    for number, raw in enumerate(binary, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines += 1
            first_bad = first_bad or number
        if gb_ok:
            try:
                decoder_gb.decode(raw)
            except UnicodeDecodeError:
                gb_ok = False
    binary.seek(0)
    looks_like = "，看起来是 GBK/GB18030 编码" if gb_ok else ""
    return RowError(
        first_bad or 1,
        FILE,
        f"不是 UTF-8 编码（{bad_lines} 行无法按 UTF-8 解码，首个在第 {first_bad or 1} 行{looks_like}）；"
        "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或用编辑器转换为 UTF-8 后重新导入",
    )
