"""Writes of overrides: file one (validated, audited), its approval hook, and recording that a rerun of a job moved
the automatic value under an override (the override itself is never changed by a job)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.choices import ApprovalStatus

from .choices import OverrideKind
from .models import DecisionOverride
from .registry import describe, override_kind


def _same(a, b) -> bool:
    return DecisionOverride._meta.get_field("value").get_prep_value(a) == \
        DecisionOverride._meta.get_field("value").get_prep_value(b)


@transaction.atomic
def decision_override_create(
    *, kind: str, partner, month: dt.date, item: str, value, reason: str, actor, cooperation_type: str = "",
) -> DecisionOverride:
    """File an override of one automatic decision (draft; it is in force once approved).

    Refused, with a Chinese message naming the field and nothing written: no named staff member, no reason,
    a decision that does not exist, a value the decision cannot take or equal to the automatic value, or another
    override of the same decision still waiting for approval.
    """
    errors: dict[str, str] = {}
    if kind not in OverrideKind.values:
        raise ValidationError({"kind": _("决定类型须为 %(kinds)s 之一") % {"kinds": "、".join(OverrideKind.values)}})
    if not (actor is not None and getattr(actor, "pk", None) and actor.is_staff):
        raise ValidationError({"created_by": _("调整须由具名的工作人员录入")})
    if not (reason or "").strip():
        errors["reason"] = _("须填写调整原因")
    month = month.replace(day=1)
    key = (partner.pk, cooperation_type or "", month, str(item))
    spec = override_kind(kind)
    automatic = spec.automatic([key])
    if key not in automatic:
        errors["item"] = _("%(partner)s %(month)s 没有这一项自动决定（%(item)s），无法调整") % {
            "partner": partner.code, "month": f"{month:%Y-%m}", "item": item}
    if errors:
        raise ValidationError(errors)
    clean = spec.clean(key=key, value=value, automatic=automatic[key])
    if _same(clean, automatic[key]):
        raise ValidationError({"value": _("调整后取值与自动结果相同（%(value)s），无需调整") % {
            "value": describe(kind, clean)}})
    override = DecisionOverride(
        kind=kind, partner=partner, cooperation_type=key[1], month=month, item=key[3], value=clean,
        reason=reason.strip(), automatic_value=automatic[key], automatic_current=automatic[key], created_by=actor,
    )
    now = timezone.now()
    for returned in DecisionOverride.objects.select_for_update().filter(
        kind=kind, partner=partner, cooperation_type=key[1], month=month, item=key[3],
        status=ApprovalStatus.RETURNED, superseded_at__isnull=True,
    ):
        returned.superseded_at = now
        returned.save(update_fields=["superseded_at"])
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError:
        raise ValidationError({"item": _("该决定已有一条待审批的调整，请先处理（审批或退回）后再录入")}) from None
    audit_record(obj=override, action="override_create", actor=actor, reason=override.reason,
                 rule_id=override.approval_rule_id, to_status=override.status,
                 data={"automatic": override.automatic_value, "value": override.value})
    return override


def decision_override_approval_problems(*, obj: DecisionOverride, action: str) -> list[str]:
    if action in ("submit", "approve") and obj.superseded_at is not None:
        return [_("%(obj)s 已被更新的调整取代，不能提交或审批。") % {"obj": obj}]
    return []


def decision_override_approved(*, obj: DecisionOverride, actor) -> None:
    """Runs inside the approval transaction: the earlier override of the decision steps down, the decision's app
    applies what it must (``on_in_force``)."""
    now = timezone.now()
    earlier = list(DecisionOverride.objects.select_for_update().filter(
        kind=obj.kind, partner_id=obj.partner_id, cooperation_type=obj.cooperation_type, month=obj.month,
        item=obj.item, status=ApprovalStatus.APPROVED, superseded_at__isnull=True,
    ).exclude(pk=obj.pk))
    for old in earlier:
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
        audit_record(obj=old, action="override_supersede", actor=actor, rule_id=old.approval_rule_id,
                     reason=_("由调整 #%(id)s 取代") % {"id": obj.pk})
    hook = override_kind(obj.kind).on_in_force
    if hook is not None:
        hook(override=obj, actor=actor)


def overrides_automatic_sync(*, kind: str, month: dt.date) -> int:
    """After a job's run: record, on every override of the month's decisions, whether the automatic value moved.

    The override and its effective value stay as they are; ``automatic_current`` / ``automatic_moved_at`` /
    ``automatic_history`` and one audit row per moved override show staff that the job now says something else
    (``None``: the job no longer produces that decision). Returns the number of overrides whose automatic value
    moved.
    """
    month = month.replace(day=1)
    overrides = list(DecisionOverride.objects.filter(kind=kind, month=month, superseded_at__isnull=True)
                     .select_related("partner"))
    if not overrides:
        return 0
    current = override_kind(kind).automatic([o.natural_key for o in overrides])
    now = timezone.now()
    moved = 0
    for override in overrides:
        value = current.get(override.natural_key)
        if _same(value, override.automatic_current):
            continue
        before = override.automatic_current
        override.automatic_current = value
        override.automatic_moved_at = now
        override.automatic_history = [*override.automatic_history, {"at": now.isoformat(), "from": before,
                                                                    "to": value}]
        override.save(update_fields=["automatic_current", "automatic_moved_at", "automatic_history"])
        audit_record(obj=override, action="override_automatic_moved", rule_id=override.approval_rule_id,
                     reason=_("重算后自动结果由 %(old)s 变为 %(new)s；人工调整（%(value)s）继续有效") % {
                         "old": describe(kind, before) or "—", "new": describe(kind, value) or _("（不再产生）"),
                         "value": describe(kind, override.value)},
                     data={"from": before, "to": value})
        moved += 1
    return moved
