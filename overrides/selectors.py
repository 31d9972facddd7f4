"""Reads of overrides: the overrides of many decisions in one query, and the one in force per decision."""

from collections import defaultdict
from collections.abc import Iterable

from core.choices import ApprovalStatus

from .models import DecisionOverride


def overrides_for_keys(*, kind: str, keys: Iterable[tuple], published_only: bool = False) -> dict[tuple, list]:
    """``{(partner_id, cooperation_type, month, item): [override, newest first]}`` for the given decision keys
    (``item`` may be ``None`` in a key: every item of that partner, type and month). One query.

    ``published_only`` (partner logins): only approved overrides, in force or superseded.
    """
    keys = list(keys)
    if not keys:
        return {}
    partners = {k[0] for k in keys}
    months = {k[2] for k in keys}
    queryset = DecisionOverride.objects.filter(kind=kind, partner_id__in=partners, month__in=months).select_related(
        "created_by", "approved_by", "submitted_by"
    ).order_by("-created_at", "-id")
    if published_only:
        queryset = queryset.filter(status=ApprovalStatus.APPROVED)
    wanted_full = {k for k in keys if k[3] is not None}
    wanted_any = {k[:3] for k in keys if k[3] is None}
    found: dict[tuple, list] = defaultdict(list)
    for override in queryset:
        key = override.natural_key
        if key in wanted_full or key[:3] in wanted_any:
            found[key].append(override)
    return dict(found)


def override_in_force(overrides: Iterable[DecisionOverride]) -> DecisionOverride | None:
    return next((o for o in overrides if o.in_force), None)


def overrides_in_force_for_month(*, kind: str, month) -> dict[tuple, DecisionOverride]:
    return {
        o.natural_key: o
        for o in DecisionOverride.objects.filter(
            kind=kind, month=month, status=ApprovalStatus.APPROVED, superseded_at__isnull=True
        ).select_related("partner", "created_by")
    }


def overrides_for_list():
    return DecisionOverride.objects.select_related("partner", "created_by", "approved_by", "submitted_by")
