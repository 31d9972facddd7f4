"""Rule sets: copy as draft, edit an entry, activate, lock once an approved result used it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record

from ..choices import RuleSetStatus
from ..models import (
    RuleEntry,
    RuleSet,
)
from ..rule_validation import validate_rule_value
from ..selectors import (
    clear_rule_book_cache,
)


def _require_editable(rule_set: RuleSet) -> None:
    if not rule_set.is_editable:
        raise ValidationError(
            f"规则集 v{rule_set.version} 已生效或已被审批结果使用，不能修改；请复制为新版本草稿。",
            code="rule_set_locked",
        )


#: everything a draft takes over from its source's entries (the draft gets its own rule set and ids)
_COPIED_ENTRY_FIELDS = ("key", "rule_id", "kind", "value", "unit", "description", "source", "assumed")


@transaction.atomic
def rule_set_copy_as_draft(*, source: RuleSet, actor=None, name: str = "", note: str = "") -> RuleSet:
    next_version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = RuleSet.objects.create(
        version=next_version,
        name=name or f"{source.name}（v{next_version} 草稿）",
        status=RuleSetStatus.DRAFT,
        based_on=source,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    RuleEntry.objects.bulk_create(
        RuleEntry(rule_set=draft, **{field: getattr(entry, field) for field in _COPIED_ENTRY_FIELDS})
        for entry in source.entries.all()
    )
    audit_record(obj=draft, action="rule_set_copy", actor=actor, reason=note, data={"from_version": source.version})
    return draft


@transaction.atomic
def rule_entry_update(*, entry: RuleEntry, value, actor=None, assumed: bool | None = None) -> RuleEntry:
    _require_editable(entry.rule_set)
    errors = validate_rule_value(entry.kind, value)
    if errors:
        raise ValidationError({"value": [f"{entry.rule_id} {entry.key}: {e}" for e in errors]})
    before = entry.value
    entry.value = value
    if assumed is not None:
        entry.assumed = assumed
    entry.save()
    audit_record(
        obj=entry, action="rule_entry_update", actor=actor, rule_id=entry.rule_id, data={"from": before, "to": value}
    )
    return entry


def rule_set_problems(rule_set: RuleSet) -> list[str]:
    """Every invalid entry and every parameter missing against the set it was copied from."""
    problems = []
    entries = list(rule_set.entries.all())
    for entry in entries:
        problems += [f"{entry.rule_id} {entry.key}: {e}" for e in validate_rule_value(entry.kind, entry.value)]
    if rule_set.based_on_id:
        missing = set(rule_set.based_on.entries.values_list("key", flat=True)) - {e.key for e in entries}
        problems += [f"缺少参数 {key}" for key in sorted(missing)]
    return problems


@transaction.atomic
def rule_set_activate(*, rule_set: RuleSet, effective_from: dt.date, actor=None) -> RuleSet:
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _require_editable(rule_set)
    problems = rule_set_problems(rule_set)
    if problems:
        raise ValidationError(problems, code="invalid_rule_set")
    clash = RuleSet.objects.filter(status=RuleSetStatus.ACTIVE, effective_from=effective_from).first()
    if clash:
        raise ValidationError(
            f"v{clash.version} 已于 {effective_from:%Y-%m-%d} 生效；同一生效日期只能有一个规则集。",
            code="effective_from_taken",
        )
    rule_set.status = RuleSetStatus.ACTIVE
    rule_set.effective_from = effective_from
    rule_set.activated_at = timezone.now()
    rule_set.activated_by = actor if getattr(actor, "pk", None) else None
    rule_set.save()
    clear_rule_book_cache()
    audit_record(
        obj=rule_set, action="rule_set_activate", actor=actor, to_status=rule_set.status,
        data={"effective_from": effective_from.isoformat()},
    )
    return rule_set


def rule_set_mark_used(*, rule_set_id: int) -> None:
    """Called when a result computed with this set is approved: from now on the set cannot change."""
    RuleSet.objects.filter(pk=rule_set_id, locked=False).update(locked=True)
