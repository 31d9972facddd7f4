import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.audit import audit_record

from .models import Restriction


@transaction.atomic
def restriction_create(
    *,
    partner,
    action: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    rule_id: str,
    source: models.Model,
    source_key: str,
    reason: str = "",
    cooperation_type: str = "",
    sub_channel=None,
    province: str = "",
    actor=None,
) -> Restriction:
    """Register a restriction caused by an approved ``source``; the same (source, key) twice registers once."""
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError(f"ends_on: 结束日期 {ends_on} 须晚于开始日期 {starts_on}")
    restriction, created = Restriction.objects.get_or_create(
        source_type=ContentType.objects.get_for_model(source, for_concrete_model=False),
        source_id=str(source.pk),
        source_key=source_key,
        defaults={
            "partner": partner,
            "action": action,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "rule_id": rule_id,
            "reason": reason,
            "cooperation_type": cooperation_type,
            "sub_channel": sub_channel,
            "province": province,
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    if created:
        audit_record(obj=restriction, action="restriction_create", actor=actor, rule_id=rule_id, reason=reason)
    return restriction


@transaction.atomic
def restriction_lift(*, restriction: Restriction, on: dt.date, reason: str, actor=None) -> Restriction:
    if not reason.strip():
        raise ValidationError("lifted_reason: 提前解除必须填写原因")
    restriction.lifted_on = max(on, restriction.starts_on)
    restriction.lifted_reason = reason
    restriction.save(update_fields=["lifted_on", "lifted_reason"])
    audit_record(obj=restriction, action="restriction_lift", actor=actor, rule_id=restriction.rule_id, reason=reason)
    return restriction


def restrictions_lift_for_source(*, source: models.Model, on: dt.date, reason: str, actor=None) -> int:
    """Lift every restriction a source caused (e.g. a sanction replaced by a later grade)."""
    queryset = Restriction.objects.filter(
        source_type=ContentType.objects.get_for_model(source, for_concrete_model=False),
        source_id=str(source.pk),
        lifted_on__isnull=True,
    )
    lifted = 0
    for restriction in queryset:
        restriction_lift(restriction=restriction, on=on, reason=reason, actor=actor)
        lifted += 1
    return lifted
