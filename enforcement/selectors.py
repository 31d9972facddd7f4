import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .choices import IMPLIED_ACTIONS
from .models import Restriction


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}starts_on__lte": on})
        & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": on}))
        & (Q(**{f"{prefix}lifted_on__isnull": True}) | Q(**{f"{prefix}lifted_on__gt": on}))
    )


def restrictions_in_force(*, on: dt.date, partner=None) -> QuerySet[Restriction]:
    queryset = Restriction.objects.filter(in_force_q(on)).select_related("partner", "sub_channel", "source_type")
    if partner is not None:
        queryset = queryset.filter(partner=partner)
    return queryset


def actions_covering(action: str) -> set[str]:
    """Every restricted action that forbids ``action`` (itself and the broader ones that imply it)."""
    return {action} | {broader for broader, implied in IMPLIED_ACTIONS.items() if action in implied}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    blocking: tuple[Restriction, ...]

    @property
    def reasons(self) -> list[str]:
        return [restriction_reason(r) for r in self.blocking]

    @property
    def rule_ids(self) -> list[str]:
        return sorted({r.rule_id for r in self.blocking})

    @property
    def blocked_until(self) -> dt.date | None:
        """The day the last blocking restriction ends (None when one runs until lifted, or nothing blocks)."""
        if not self.blocking or any(r.ends_on is None and r.lifted_on is None for r in self.blocking):
            return None
        return max(r.lifted_on or r.ends_on for r in self.blocking)


def restriction_reason(restriction: Restriction) -> str:
    scope = [restriction.get_cooperation_type_display() if restriction.cooperation_type else ""]
    if restriction.sub_channel_id:
        scope.append(f"子渠道 {restriction.sub_channel.code}")
    scope.append(restriction.province or "全国")
    until = f"至 {restriction.ends_on:%Y-%m-%d}（不含）" if restriction.ends_on else "直至解除"
    text = (
        f"{restriction.get_action_display()}：{' '.join(s for s in scope if s)}，"
        f"自 {restriction.starts_on:%Y-%m-%d} {until}（{restriction.rule_id}）"
    )
    return f"{text} {restriction.reason}".strip()


def restriction_applies(
    restriction: Restriction, *, action: str, cooperation_type: str = "", sub_channel=None, province: str = ""
) -> bool:
    """Does a restriction in force forbid this action in this scope? (pure: no query)

    A restriction without a cooperation type, sub-channel or province applies to all of them; one with
    a sub-channel only to that sub-channel. Asking without a province counts provincial restrictions too.
    """
    if restriction.action not in actions_covering(action):
        return False
    if cooperation_type and restriction.cooperation_type and restriction.cooperation_type != cooperation_type:
        return False
    if restriction.sub_channel_id and (sub_channel is None or restriction.sub_channel_id != sub_channel.pk):
        return False
    return not (province and restriction.province and restriction.province != province)


def verdict_from(restrictions, **ask) -> Verdict:
    """The verdict for one question over restrictions already loaded (all in force on the day asked)."""
    applying = (r for r in restrictions if restriction_applies(r, **ask))
    blocking = tuple(sorted(applying, key=lambda r: (r.starts_on, r.pk)))
    return Verdict(allowed=not blocking, blocking=blocking)


def restrictions_in_force_by_partner(*, on: dt.date, partner_ids) -> dict[int, list[Restriction]]:
    """One query for many partners: their restrictions in force on ``on``, grouped by partner id."""
    grouped: dict[int, list[Restriction]] = {partner_id: [] for partner_id in partner_ids}
    for restriction in restrictions_in_force(on=on).filter(partner_id__in=list(grouped)):
        grouped[restriction.partner_id].append(restriction)
    return grouped


def action_allowed(
    *,
    partner,
    action: str,
    on: dt.date,
    cooperation_type: str = "",
    sub_channel=None,
    province: str = "",
) -> Verdict:
    """May ``partner`` do ``action`` on ``on``? If not, which restrictions (with their rule ids) forbid it."""
    candidates = restrictions_in_force(on=on, partner=partner).filter(action__in=actions_covering(action))
    return verdict_from(
        candidates, action=action, cooperation_type=cooperation_type, sub_channel=sub_channel, province=province
    )
