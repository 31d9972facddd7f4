"""Reads for the staff workspace: the approval inbox (待我审批), built from the one registry of approvable kinds."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from .approval import approvable_kinds
from .choices import ApprovalStatus, ApproverRole


@dataclass
class InboxGroup:
    label: str
    rule_id: str
    changelist_url: str
    items: list[dict] = field(default_factory=list)
    total: int | None = None  # set when only the count was asked for (no items built)

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total


def _roles_of(user) -> set[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(ApproverRole.values)
    return set(user.groups.filter(name__in=ApproverRole.values).values_list("name", flat=True))


def _many_to_one(model) -> list[str]:
    """Forward foreign keys, read by the items' titles (``__str__``): loaded with the rows, not one query each."""
    return [f.name for f in model._meta.fields if f.many_to_one and not f.null]


def approval_inbox(*, user, with_items: bool = True) -> list[InboxGroup]:
    """Every submitted item ``user`` may approve now, grouped by kind (one query per kind, the roles read once).

    The approver role (per object where the kind computes it) and never one's own submission, as
    ``approval_refusal``; what the kind's problems hook still asks for before approval (e.g. the review minutes of
    company-importance evidence, recorded by the approver) is shown as a note, not hidden. Superseded penalty
    proposals are no longer submitted (the warning job returns them). ``with_items=False`` counts only (the
    dashboard figure and the sidebar badge on every page): one COUNT per kind whose approver role is fixed.
    """
    roles = _roles_of(user)
    if not roles:
        return []
    now = timezone.now()
    groups = []
    for kind in approvable_kinds():
        model = kind.model
        opts = model._meta
        static_role = None  # a class-level role, or None when the kind computes it per object (a property)
        for base in model.__mro__:
            value = base.__dict__.get("approver_role")
            if value is not None:
                static_role = value if isinstance(value, str) else None
                break
        if static_role is not None and static_role not in roles:
            continue
        pending = model._default_manager.filter(status=ApprovalStatus.SUBMITTED).exclude(submitted_by=user)
        group = InboxGroup(label=str(kind.label), rule_id=kind.rule_id if isinstance(kind.rule_id, str) else "",
                           changelist_url=reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                           + "?status__exact=submitted")
        if not with_items and static_role is not None:
            group.total = pending.count()
            if group.total:
                groups.append(group)
            continue
        rows = pending.select_related("submitted_by", *_many_to_one(model)).order_by("submitted_at", "pk")
        for obj in rows:
            if static_role is None and kind.approver_role_for(obj) not in roles:
                continue
            if not with_items:
                group.total = (group.total or 0) + 1
                continue
            problems = list(kind.problems(obj=obj, action="approve")) if kind.problems is not None else []
            group.items.append({
                "obj": obj, "title": str(obj), "submitted_by": obj.submitted_by, "submitted_at": obj.submitted_at,
                "age_days": (now - obj.submitted_at).days if obj.submitted_at else None,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
                "role": kind.approver_role_for(obj), "note": "；".join(str(p) for p in problems),
            })
        if group.count:
            groups.append(group)
    return groups


def inbox_count(*, user) -> int:
    return sum(group.count for group in approval_inbox(user=user, with_items=False))
