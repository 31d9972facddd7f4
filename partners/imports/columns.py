"""Column types: turn one cell (text from CSV, or a typed value from xlsx) into a model value.

Every parser strips surrounding whitespace, treats an empty cell as blank (required → error,
optional → the column's default) and raises ``FieldError`` with a readable reason otherwise.
Parsers of low-cardinality columns (codes, choices, dates, booleans) are memoised per import,
which keeps the complaint loop at a few dictionary look-ups per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation

from core.months import parse_month
from core.rulebook import money

from .errors import FieldError

Parser = Callable[[Any], Any]

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_MAX = 2_147_483_647
#: 16 digits with 2 decimals (partners.models.MONEY): at most 14 before the point.
_MONEY_LIMIT = Decimal("1e14")

TRUE_WORDS = ("true", "1", "yes", "y", "是", "有", "√")
FALSE_WORDS = ("false", "0", "no", "n", "否", "无", "×")
_BOOLEANS = {**{word: True for word in TRUE_WORDS}, **{word: False for word in FALSE_WORDS}}
BOOLEAN_HINT = "true/false/1/0/yes/no/是/否"
_NOT_BOOLEAN = f"不是布尔值，可用：{BOOLEAN_HINT}"


def cell_text(value: Any) -> str:
    """Text of a non-blank xlsx cell: integral numbers lose their '.0', dates become ISO dates."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    return str(value)


def looked_up(value: Any, table: dict[str, Any], *, problem: str, fallback=None) -> Any:
    """What ``table`` (keyed by lower-cased spellings) holds for the cell's text, else ``fallback(text)``;
    a ``FieldError`` quoting the text and ``problem`` when neither finds it."""
    text = value if value.__class__ is str else cell_text(value)
    found = table.get(text.lower())
    if found is None and fallback is not None:
        found = fallback(text)
    if found is None:
        raise FieldError(f"'{text}' {problem}")
    return found


class ImportContext:
    """What parsers need to know about the database, loaded once per import (never per row)."""

    def __init__(self, *, partner_ids: Mapping[str, int] | None = None):
        self._partner_ids = partner_ids
        self._tables: dict[str, Any] = {}

    def table(self, name: str, load: Callable[[], Any]) -> Any:
        """A look-up table other apps' columns need, loaded once per import on first use."""
        if name not in self._tables:
            self._tables[name] = load()
        return self._tables[name]

    @property
    def partner_ids(self) -> Mapping[str, int]:
        if self._partner_ids is None:
            from partners.models import Partner

            self._partner_ids = dict(Partner.objects.values_list("code", "id"))
        return self._partner_ids


class ColumnType:
    """Converts a stripped, non-blank cell. Subclasses implement ``converter``."""

    #: memoise successful conversions (safe for values with few distinct spellings)
    cacheable = False

    def converter(self, ctx: ImportContext) -> Parser:
        raise NotImplementedError


class Text(ColumnType):
    def __init__(self, max_length: int):
        self.max_length = max_length

    def converter(self, ctx):
        max_length = self.max_length

        def convert(value):
            text = value if value.__class__ is str else cell_text(value).strip()
            if len(text) > max_length:
                raise FieldError(f"长度 {len(text)} 超过 {max_length} 个字符")
            return text

        return convert


class Code(Text):
    """A short identifier (codes, provinces): same as text, and memoised."""

    cacheable = True


class Choice(ColumnType):
    """One of the choices' values, or its label: Chinese (whatever language is active), English, or a part of
    the Chinese label that names one choice only (销售渠道 for 数字产品销售渠道). The labels are the choices'
    own, so there is one source for every spelling."""

    cacheable = True

    def __init__(self, choices):
        self.choices = choices

    def labels(self) -> dict[str, str]:
        """Every accepted spelling (lower-cased) → the stored value."""
        accepted = {value.lower(): value for value in self.choices.values}
        for language in ("en", settings.LANGUAGE_CODE):
            with translation.override(language):
                accepted.update({str(label).strip().lower(): value for value, label in self.choices.choices})
        return accepted

    def converter(self, ctx):
        accepted = self.labels()
        with translation.override(settings.LANGUAGE_CODE):
            chinese = [(str(label), value) for value, label in self.choices.choices]
        problem = "不是有效值，可选：" + " | ".join(self.choices.values)

        def only_partial_match(text):
            if len(text) < 2:
                return None
            partial = {stored for label, stored in chinese if text in label}
            return partial.pop() if len(partial) == 1 else None

        def convert(value):
            return looked_up(value, accepted, problem=problem, fallback=only_partial_match)

        return convert


class Boolean(ColumnType):
    cacheable = True

    def converter(self, ctx):
        def convert(value):
            if isinstance(value, bool):
                return value
            if isinstance(value, (int, float)) and value in (0, 1):
                return bool(value)
            return looked_up(value, _BOOLEANS, problem=_NOT_BOOLEAN)

        return convert


class Date(ColumnType):
    """YYYY-MM-DD text, or a real Excel date (its calendar day)."""

    cacheable = True

    def converter(self, ctx):
        def convert(value):
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            text = value if value.__class__ is str else cell_text(value)
            if not _DATE_RE.fullmatch(text):
                raise FieldError(f"'{text}' 不是 YYYY-MM-DD 形式的日期")
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise FieldError(f"'{text}' 不是有效日期") from None

        return convert


class Month(ColumnType):
    """YYYY-MM text (stored as the first day), or an Excel date on the first of a month."""

    cacheable = True

    def converter(self, ctx):
        def convert(value):
            if isinstance(value, dt.date):
                day = value.date() if isinstance(value, dt.datetime) else value
                if day.day != 1:
                    raise FieldError(f"Excel 日期 {day:%Y-%m-%d} 不是某月 1 日；月份请写作 YYYY-MM")
                return day
            text = value if value.__class__ is str else cell_text(value)
            try:
                return parse_month(text)
            except ValueError:
                raise FieldError(f"'{text}' 不是 YYYY-MM 形式的月份（月份 01–12）") from None

        return convert


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise FieldError(f"'{value}' 不是数字")
    if isinstance(value, float):
        # Excel stores numbers as doubles: 12.3 arrives as 12.300000000000001 only after arithmetic,
        # so take the shortest representation rather than the exact binary value.
        number = Decimal(repr(value))
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        text = value if value.__class__ is str else cell_text(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise FieldError(f"'{text}' 不是数字") from None
    if not number.is_finite():
        raise FieldError(f"'{value}' 不是数字")
    return number


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class Money(ColumnType):
    """元, non-negative, at most two decimals (rounded with ``core.rulebook.money``)."""

    def converter(self, ctx):
        def convert(value):
            number = _decimal(value)
            if number < 0:
                raise FieldError(f"'{value}' 是负数，金额不能为负")
            if number >= _MONEY_LIMIT:
                raise FieldError(f"'{value}' 超出金额上限（最多 14 位整数）")
            if _places(number) > 2 and number != money(number):
                if not isinstance(value, float) or abs(number - money(number)) > Decimal("0.000001"):
                    raise FieldError(f"'{value}' 最多两位小数（元）")
            return money(number)

        return convert


class Share(ColumnType):
    """A fraction between 0 and 1 inclusive, at most four decimals (45% → 0.45)."""

    def converter(self, ctx):
        def convert(value):
            number = _decimal(value)
            if not Decimal("0") <= number <= Decimal("1"):
                raise FieldError(f"'{value}' 超出 0–1 范围（45% 请写 0.45）")
            if _places(number) > 4:
                raise FieldError(f"'{value}' 最多四位小数")
            return number.quantize(Decimal("0.0001"))

        return convert


class Count(ColumnType):
    """A whole number ≥ 0."""

    def converter(self, ctx):
        def convert(value):
            number = _decimal(value)
            if number != number.to_integral_value():
                raise FieldError(f"'{value}' 不是整数")
            if number < 0:
                raise FieldError(f"'{value}' 是负数，应为非负整数")
            if number > _INT_MAX:
                raise FieldError(f"'{value}' 过大")
            return int(number)

        return convert


class PartnerRef(ColumnType):
    """A partner code, resolved to the partner's id through one dictionary loaded up front."""

    cacheable = True

    def converter(self, ctx):
        partner_ids = ctx.partner_ids

        def convert(value):
            code = value if value.__class__ is str else cell_text(value)
            try:
                return partner_ids[code]
            except KeyError:
                raise FieldError(f"合作方 '{code}' 不存在（请先导入 partners）") from None

        return convert


_NO_DEFAULT = object()


@dataclass(frozen=True)
class Column:
    """A column of an import kind: header name, type, model field and blank handling."""

    name: str
    type: ColumnType
    required: bool = False
    #: model attribute written; defaults to ``name``
    field: str = ""
    #: value of a blank optional cell
    default: Any = None

    @property
    def attname(self) -> str:
        return self.field or self.name

    def parser(self, ctx: ImportContext) -> Parser:
        """One function handling trim, blank, required and conversion for this column."""
        convert = self.type.converter(ctx)
        required, default = self.required, self.default

        def parse(raw):
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    if required:
                        raise FieldError("必填，不能为空")
                    return default
            elif raw is None:
                if required:
                    raise FieldError("必填，不能为空")
                return default
            return convert(raw)

        return parse
