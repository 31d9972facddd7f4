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

# A CSV field may be as large as a long text; the csv module's default limit (128 KiB) is kept.


class Table:
    header: list[str]

    def rows(self) -> Iterator[list[Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _normalise_header(cells) -> list[str]:
    return [("" if cell is None else str(cell)).replace("\ufeff", "").strip().lower() for cell in cells]


class CsvTable(Table):
    def __init__(self, binary: IO[bytes]):
        self._text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)
        header = None
        for cells in self._reader:
            if cells and any(cell.strip() for cell in cells):
                header = cells
                break
            raise FileRejected([RowError(self._reader.line_num, FILE, "第一行是空的，应为表头（列名）")])
        if header is None:
            raise FileRejected([RowError(1, FILE, "文件为空，没有表头")])
        self.header = _normalise_header(header)

    def rows(self) -> Iterator[list[Any]]:
        reader = self._reader
        previous = reader.line_num
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if not cells:
                continue
            if not cells[0].strip() and not "".join(cells).strip():
                continue
            cells.insert(0, line)
            yield cells

    def close(self) -> None:
        # Leave the caller's file open (the admin may re-read it to diagnose its encoding).
        try:
            self._text.detach()
        except ValueError:
            pass


class XlsxTable(Table):
    def __init__(self, binary: IO[bytes]):
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(binary, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise FileRejected([RowError(1, FILE, f"不是有效的 .xlsx 文件（{exc}）")]) from None
        sheet = self._book.worksheets[0]
        # Some writers record a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        self._rows = sheet.iter_rows(values_only=True)
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
