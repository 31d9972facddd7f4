"""What each app tells the override service about its kind of decision; registered from ``AppConfig.ready()``.

    from overrides.registry import override_kind_register

    override_kind_register(OverrideKind.ASSESSMENT_ITEM, automatic=…, clean=…, describe=…, on_in_force=…)

* ``automatic(keys) -> {key: value}`` — the job's current value for each natural key
  ``(partner_id, cooperation_type, month, item)``; a key without a decision is absent;
* ``clean(key=, value=, automatic=) -> value`` — the new value in its stored form, or a ``ValidationError`` with a
  Chinese message naming the field;
* ``describe(value) -> str`` — the value as staff read it (admin, exports, audit);
* ``on_in_force(override=, actor=)`` — optional: what the decision's own app does when the override comes into
  force (e.g. a waived credit sanction is cancelled or ended).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OverrideKindSpec:
    kind: str
    automatic: Callable[[list[tuple]], dict[tuple, Any]]
    clean: Callable[..., Any]
    describe: Callable[[Any], str]
    on_in_force: Callable | None = None
    #: item key → label, for the admin form's choices (``None``: free text checked by ``clean``)
    items: Callable[[], list[tuple[str, str]]] | None = None


_SPECS: dict[str, OverrideKindSpec] = {}


def override_kind_register(kind: str, **hooks) -> OverrideKindSpec:
    spec = OverrideKindSpec(kind=kind, **hooks)
    _SPECS[kind] = spec
    return spec


def override_kind(kind: str) -> OverrideKindSpec:
    try:
        return _SPECS[kind]
    except KeyError:
        raise LookupError(f"override kind {kind!r} is not registered") from None


def describe(kind: str, value) -> str:
    if value is None:
        return ""
    try:
        return override_kind(kind).describe(value)
    except LookupError:
        return str(value)


def item_label(kind: str, item: str) -> str:
    """The item as staff read it (收入规模得分 for ``revenue_score``); the key itself where the kind lists none."""
    try:
        items = override_kind(kind).items
    except LookupError:
        return item
    return dict(items()).get(item, item) if items else item
