"""The rule engine every app reads its numbers through: a rule set as an immutable ``RuleBook`` of ``RuleParam``
entries, brackets, durations, the one money rounding rule and the one shape of a breakdown line.

Pure: plain values in, plain values out, no ORM. Brackets are looked up with ``bisect`` over thresholds that come
from the rule set, never hand-written ``if`` ladders. All arithmetic is ``Decimal``. The rule book in force is
loaded by ``scoring.selectors.rule_book_in_force(on=date)``; each app's own evaluators live in its ``rules.py``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.months import add_months

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def money(value: Any) -> Decimal:
    """The project's one rounding rule for money: 元 with 2 places, ROUND_HALF_UP."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def cap(value: Decimal, ceiling: Decimal) -> Decimal:
    return min(value, ceiling)


@dataclass(frozen=True)
class Brackets:
    """Step function over ascending thresholds: ``len(points) == len(thresholds) + 1``.

    ``closed="left"``: a value equal to a threshold belongs to the higher bracket (≥ t, e.g. revenue ≥ 300万).
    ``closed="right"``: a value equal to a threshold stays in the lower bracket (≤ t, e.g. ratio ≤ 1).
    """

    thresholds: tuple[Decimal, ...]
    points: tuple[Any, ...]
    closed: str = "left"

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Brackets:
        points = tuple(
            to_decimal(p) if isinstance(p, (int, float)) and not isinstance(p, bool) else p for p in value["points"]
        )
        return cls(
            thresholds=tuple(to_decimal(t) for t in value["thresholds"]),
            points=points,
            closed=value.get("closed", "left"),
        )

    def index(self, value: Any) -> int:
        value = to_decimal(value)
        if self.closed == "left":
            return bisect_right(self.thresholds, value)
        return bisect_left(self.thresholds, value)

    def lookup(self, value: Any) -> Any:
        return self.points[self.index(value)]


def table_row_for(rows: Sequence[Mapping[str, Any]], column: str, value: Any) -> Mapping[str, Any] | None:
    """The last row whose ascending ``column`` threshold is ≤ value, or None below the first row."""
    thresholds = [to_decimal(row[column]) for row in rows]
    index = bisect_right(thresholds, to_decimal(value))
    return rows[index - 1] if index else None


def add_duration(start: dt.date, duration: Mapping[str, Any]) -> dt.date:
    """End date (exclusive) of a duration ``{"value": n, "unit": days|weeks|months|years}`` from start."""
    amount = int(duration["value"])
    unit = duration["unit"]
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "years":
        return add_months(start, 12 * amount)
    raise ValueError(f"unit '{unit}' needs a calendar (working days are counted by the calendar service)")


@dataclass(frozen=True)
class RuleParam:
    key: str
    rule_id: str
    kind: str
    value: Any
    assumed: bool = False


@dataclass(frozen=True)
class RuleBook:
    """An immutable snapshot of one rule set, handed to pure evaluators."""

    version: int
    effective_from: dt.date | None
    params: Mapping[str, RuleParam] = field(default_factory=dict)

    def param(self, key: str) -> RuleParam:
        try:
            return self.params[key]
        except KeyError:
            raise KeyError(f"rule set v{self.version} has no parameter '{key}'") from None

    def rule_id(self, key: str) -> str:
        return self.param(key).rule_id

    def number(self, key: str) -> Decimal:
        return to_decimal(self.param(key).value["value"])

    def integer(self, key: str) -> int:
        return int(self.number(key))

    def flag(self, key: str) -> bool:
        return bool(self.param(key).value["value"])

    def text(self, key: str) -> str:
        return str(self.param(key).value["value"])

    def duration(self, key: str) -> Mapping[str, Any]:
        return self.param(key).value

    def brackets(self, key: str) -> Brackets:
        return Brackets.from_value(self.param(key).value)

    def rows(self, key: str) -> list[Mapping[str, Any]]:
        return list(self.param(key).value["rows"])

    def items(self, key: str) -> list[Any]:
        return list(self.param(key).value["items"])

    def weights(self, key: str) -> list[Decimal]:
        return [to_decimal(w) for w in self.param(key).value["weights"]]


# --- Result breakdowns ----------------------------------------------------------------------------------------------


def points_value(value: Any) -> int | float:
    """A score as a JSON number: an int when whole, else a float of the 2-place decimal."""
    number = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return int(number) if number == number.to_integral_value() else float(number)


def breakdown_item(rule: str, points: Any, detail: str, **extra: Any) -> dict[str, Any]:
    """The one shape of a breakdown line: ``{"rule", "points", "detail", **extra}``.

    ``points`` is stored as given, already in its JSON form: a score through ``points_value`` (a number), a
    settlement amount through ``money`` as a string; ``None`` leaves the key out, for verdict lines that
    carry ``passed=`` in ``extra`` instead (code eligibility, year-end and exit dispositions).
    """
    line: dict[str, Any] = {"rule": rule}
    if points is not None:
        line["points"] = points
    line["detail"] = detail
    line.update(extra)
    return line


def fmt_number(value: Any, places: int = 2) -> str:
    """``1234567.8`` → ``1,234,567.80`` (ROUND_HALF_UP)."""
    quantum = Decimal(1).scaleb(-places)
    return f"{to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def fmt_points(value: Any) -> str:
    return str(points_value(value))


def fmt_wan(yuan: Any) -> str:
    """元 → 万元 with 2 places and thousands separators, for assessment details (``300.00``)."""
    return fmt_number(to_decimal(yuan) / TEN_THOUSAND)


def wan(amount: Any) -> str:
    """Money in 万元 exact to the cent with its unit, for eligibility details (``30万元``)."""
    value = (money(amount) / TEN_THOUSAND).normalize()
    return f"{value:f}万元"
