from django.contrib.contenttypes.models import ContentType
from django.db import models

from .choices import AuditAction
from .models import AuditEvent


def _known_action(action: str) -> str:
    """Audit rows name only the actions listed in ``core.choices.AuditAction``."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}: add it to core.choices.AuditAction")
    return action


def audit_record(
    *,
    obj: models.Model,
    action: str,
    actor=None,
    reason: str = "",
    rule_id: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Write the one audit row that every state change leaves behind (``action``: an ``AuditAction`` value)."""
    _known_action(action)
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        rule_id=rule_id,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def audit_trail(obj: models.Model):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")


def audit_record_many(
    *, objs, action: str, actor=None, reason: str = "", rule_id: str = "", from_status: str = "",
    to_status: str = "", data=None,
) -> int:
    """The same audit row for many objects of one model, written in one bulk insert (jobs touching many rows).

    ``data`` may be a dict shared by all rows or a callable ``obj -> dict``.
    """
    _known_action(action)
    objs = list(objs)
    if not objs:
        return 0
    content_type = ContentType.objects.get_for_model(objs[0], for_concrete_model=False)
    actor = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                action=action,
                actor=actor,
                reason=reason,
                rule_id=rule_id,
                from_status=from_status,
                to_status=to_status,
                data=(data(obj) if callable(data) else data) or {},
            )
            for obj in objs
        ],
        batch_size=1000,
    )
    return len(objs)
