"""Errors of an import: every problem is reported as ``row N: column: reason``.

N is the physical line of the file on which the record starts, counting the header as row 1
(blank lines count, so N is what an editor or Excel shows). File-level problems (empty file,
wrong encoding, header) use the column name ``file`` or the header's column name.
"""

from dataclasses import dataclass

FILE = "file"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __post_init__(self):
        # A reason quoting a cell may carry a NUL byte, which the import record (PostgreSQL text) cannot store:
        # show it as the four characters \x00 (as the text columns' own NUL message does).
        for name in ("column", "reason"):
            value = getattr(self, name)
            if "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", "\\x00"))

    def __str__(self) -> str:
        return f"row {self.line}: {self.column}: {self.reason}"


class FieldError(ValueError):
    """A cell's value is not acceptable; the message is the reason shown to the user."""


class FileRejected(Exception):
    """The file cannot be read at all (empty, wrong encoding, bad header): stop and report these errors."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
