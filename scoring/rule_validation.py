"""Validation of rule-entry values by kind, with messages staff can act on in the admin."""

from decimal import Decimal, InvalidOperation
from typing import Any

from .choices import DurationUnit, RuleKind

SCOPES = {"province", "national", "event", "business", "all_business"}


def _number(value: Any, where: str, errors: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors.append(f"{where}: 应为数值，得到 {value!r}")
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where}: 应为数值，得到 {value!r}")
        return None


def _percent(value: Any, where: str, errors: list[str]) -> None:
    number = _number(value, where, errors)
    if number is not None and not Decimal(0) <= number <= Decimal(100):
        errors.append(f"{where}: 百分比须在 0–100 之间，得到 {number}")


def _duration(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: 时长应为 {{\"value\": n, \"unit\": ...}}")
        return
    number = _number(value.get("value"), f"{where}.value", errors)
    if number is not None and number <= 0:
        errors.append(f"{where}.value: 时长须为正数，得到 {number}")
    if value.get("unit") not in DurationUnit.values:
        errors.append(f"{where}.unit: 单位须为 {', '.join(DurationUnit.values)} 之一")
    if "scope" in value and value["scope"] not in SCOPES:
        errors.append(f"{where}.scope: 范围须为 {', '.join(sorted(SCOPES))} 之一")


def _ascending(numbers: list[Decimal | None], where: str, errors: list[str]) -> None:
    clean = [n for n in numbers if n is not None]
    if any(b <= a for a, b in zip(clean, clean[1:], strict=False)):
        errors.append(f"{where}: 分档阈值须严格递增且不重叠，得到 {[str(n) for n in clean]}")


def _brackets(value: Any, errors: list[str]) -> None:
    thresholds, points = value.get("thresholds"), value.get("points")
    if not isinstance(thresholds, list) or not thresholds:
        errors.append("thresholds: 须为非空列表")
        return
    if not isinstance(points, list) or len(points) != len(thresholds) + 1:
        errors.append(f"points: 须比 thresholds 多一项（{len(thresholds) + 1} 项）")
    numbers = [_number(t, f"thresholds[{i}]", errors) for i, t in enumerate(thresholds)]
    _ascending(numbers, "thresholds", errors)
    if value.get("closed", "left") not in {"left", "right"}:
        errors.append("closed: 须为 left（≥阈值进入高档）或 right（≤阈值留在低档）")


def _table(value: Any, errors: list[str]) -> None:
    columns, rows = value.get("columns"), value.get("rows")
    if not isinstance(columns, dict) or not isinstance(rows, list) or not rows:
        errors.append("表格须有 columns（列名→类型）与非空 rows")
        return
    for column, column_type in columns.items():
        cells = [row.get(column) if isinstance(row, dict) else None for row in rows]
        if column_type == "threshold":
            _ascending([_number(c, f"rows[{i}].{column}", errors) for i, c in enumerate(cells)], column, errors)
        for i, cell in enumerate(cells):
            where = f"rows[{i}].{column}"
            if cell is None:
                if not column_type.startswith("optional_"):
                    errors.append(f"{where}: 缺少取值")
                continue
            base_type = column_type.removeprefix("optional_")
            if base_type in {"number", "threshold"}:
                _number(cell, where, errors)
            elif base_type == "percent":
                _percent(cell, where, errors)
            elif base_type == "duration":
                _duration(cell, where, errors)
            elif base_type == "list" and not isinstance(cell, list):
                errors.append(f"{where}: 应为列表")


def validate_rule_value(kind: str, value: Any) -> list[str]:
    """Return a list of readable problems with ``value`` for an entry of ``kind`` (empty when valid)."""
    errors: list[str] = []
    if not isinstance(value, dict):
        return ["取值须为 JSON 对象"]
    if kind in {RuleKind.NUMBER, RuleKind.MONEY}:
        number = _number(value.get("value"), "value", errors)
        if number is not None and number < 0:
            errors.append(f"value: 不能为负数，得到 {number}")
    elif kind == RuleKind.PERCENT:
        _percent(value.get("value"), "value", errors)
    elif kind == RuleKind.DURATION:
        _duration(value, "value", errors)
    elif kind == RuleKind.BRACKETS:
        _brackets(value, errors)
    elif kind == RuleKind.TABLE:
        _table(value, errors)
    elif kind == RuleKind.WEIGHTS:
        weights = value.get("weights")
        if not isinstance(weights, list) or not weights:
            errors.append("weights: 须为非空列表")
        else:
            numbers = [_number(w, f"weights[{i}]", errors) for i, w in enumerate(weights)]
            if any(n is not None and not Decimal(0) <= n <= Decimal(1) for n in numbers):
                errors.append("weights: 每项须在 0–1 之间")
    elif kind == RuleKind.LIST:
        if not isinstance(value.get("items"), list):
            errors.append("items: 须为列表")
    elif kind == RuleKind.FLAG:
        if not isinstance(value.get("value"), bool):
            errors.append("value: 须为 true 或 false")
    elif kind == RuleKind.TEXT:
        if not isinstance(value.get("value"), str):
            errors.append("value: 须为文本")
    else:
        errors.append(f"未知类型 {kind}")
    return errors
