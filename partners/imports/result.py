"""What an import did: counts, warnings and the row errors (all counted, the first ones kept)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import RowError


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool = False
    #: data rows read (blank lines not counted)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    #: other things done, e.g. related-company groups created along with partners
    notes: list[str] = field(default_factory=list)
    #: how many errors to keep in ``errors`` (all are counted and passed to ``on_error``)
    keep_errors: int | None = 1000
    on_error: Callable[[RowError], None] | None = None
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, reason: str) -> None:
        self.add(RowError(line, column, reason))

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if self.keep_errors is None or len(self.errors) < self.keep_errors:
            self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)

    def add_warning(self, warning: RowError) -> None:
        self.warnings.append(warning)

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    def summary(self) -> str:
        if not self.ok:
            return f"数据有误：{self.error_count} 个错误，未写入任何数据"
        verb = "将" if self.dry_run else ""
        text = (
            f"{self.rows} 行：{verb}新增 {self.created}，{verb}更新 {self.updated}，未变化 {self.unchanged}"
        )
        if self.dry_run:
            text += "（仅校验，未写入）"
        return text
