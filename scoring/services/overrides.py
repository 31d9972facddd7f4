"""Overrides of scoring's automatic decisions (issue 15 item 4; docs/overrides.md): an item of a monthly assessment
(the four lines of R-M-TOTAL) and a warning level's penalty proposal (R-D-WARN). Registered with
``overrides.registry`` from ``ScoringConfig.ready``; the jobs only call ``overrides_automatic_sync`` at their end."""

from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import ApprovalStatus
from core.rulebook import add_duration, money
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.services import restriction_create, restriction_lift
from overrides.choices import OverrideKind
from overrides.registry import override_kind_register

from ..choices import DurationUnit
from ..models import MonthlyAssessment, PenaltyProposal
from ..rules import fmt_duration
from ..selectors import ASSESSMENT_OVERRIDE_ITEMS, assessment_item_bounds, proposal_effective_measures, rule_book_for

ITEM_LABELS = {name: MonthlyAssessment._meta.get_field(name).verbose_name for name in ASSESSMENT_OVERRIDE_ITEMS}


# --- assessment items (R-M-TOTAL lines) ---------------------------------------------------------------------------

def _assessment_automatic(keys) -> dict:
    wanted = {k for k in keys if k[3] in ASSESSMENT_OVERRIDE_ITEMS}
    if not wanted:
        return {}
    rows = MonthlyAssessment.objects.filter(
        partner_id__in={k[0] for k in wanted}, month__in={k[2] for k in wanted}
    ).only("partner_id", "cooperation_type", "month", *ASSESSMENT_OVERRIDE_ITEMS)
    found = {}
    for row in rows:
        for item in ASSESSMENT_OVERRIDE_ITEMS:
            key = (row.partner_id, row.cooperation_type, row.month, item)
            if key in wanted:
                found[key] = str(money(getattr(row, item)))
    return found


def _assessment_clean(*, key, value, automatic) -> str:
    item = key[3]
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("新得分须为数字，收到 %(value)s") % {"value": value}}) from None
    if not points.is_finite():
        raise ValidationError({"value": _("新得分须为数字，收到 %(value)s") % {"value": value}})
    assessment = MonthlyAssessment.objects.select_related("rule_set").get(
        partner_id=key[0], cooperation_type=key[1], month=key[2])
    book = rule_book_for(assessment.rule_set)
    low, high = assessment_item_bounds(book=book, item=item)
    rule = book.rule_id(ASSESSMENT_OVERRIDE_ITEMS[item][0])
    if points < low or (high is not None and points > high):
        bound = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise ValidationError({"value": _("%(label)s（%(rule)s）须在 %(bound)s 分之间，收到 %(value)s") % {
            "label": ITEM_LABELS[item], "rule": rule, "bound": bound, "value": points}})
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError({"value": _("新得分最多两位小数，收到 %(value)s") % {"value": points}})
    return str(money(points))


def _assessment_describe(value) -> str:
    return str(value)


def _assessment_items():
    return [(name, str(label)) for name, label in ITEM_LABELS.items()]


# --- penalty proposals (R-D-WARN) ---------------------------------------------------------------------------------

def _proposal_value(measures) -> dict:
    return {"measures": {m["action"]: dict(m["duration"]) for m in measures}}


def _proposal_automatic(keys) -> dict:
    wanted = set(keys)
    rows = PenaltyProposal.objects.filter(
        partner_id__in={k[0] for k in wanted}, month__in={k[2] for k in wanted}
    ).only("partner_id", "cooperation_type", "month", "level", "measures")
    found = {}
    for row in rows:
        key = (row.partner_id, row.cooperation_type, row.month, str(row.level))
        if key in wanted:
            found[key] = _proposal_value(row.measures)
    return found


def _proposal_clean(*, key, value, automatic) -> dict:
    if not isinstance(value, dict) or not isinstance(value.get("measures"), dict) or not value["measures"]:
        raise ValidationError({"value": _("须给出措施：{\"measures\": {措施: {value, unit} 或 null（不执行）}}")})
    allowed_units = set(DurationUnit.values) - {DurationUnit.WORKING_DAYS}
    measures = dict(automatic["measures"])
    for action, duration in value["measures"].items():
        if action not in measures:
            known = "、".join(str(RestrictedAction(a).label) for a in measures)
            raise ValidationError({"value": _("该处罚建议没有“%(action)s”这项措施（只有：%(known)s）") % {
                "action": action, "known": known}})
        if duration is None:
            measures[action] = None
            continue
        try:
            number, unit = int(duration["value"]), duration["unit"]
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"value": _("%(action)s：时长须为 {value: 正整数, unit: 单位}") % {
                "action": RestrictedAction(action).label}}) from None
        if number <= 0 or unit not in allowed_units:
            raise ValidationError({"value": _("%(action)s：时长须为正整数，单位须为 %(units)s 之一") % {
                "action": RestrictedAction(action).label, "units": "、".join(sorted(allowed_units))}})
        measures[action] = {"value": number, "unit": unit}
    return {"measures": measures}


def _proposal_describe(value) -> str:
    parts = []
    for action, duration in (value or {}).get("measures", {}).items():
        label = RestrictedAction(action).label
        parts.append(_("暂停%(label)s 不执行") % {"label": label} if duration is None
                     else _("暂停%(label)s %(duration)s") % {"label": label, "duration": fmt_duration(duration)})
    return "；".join(parts)


def _proposal_in_force(*, override, actor) -> None:
    """An override of an already approved proposal changes the restrictions it registered (R-D-WARN): a waived
    suspension is lifted today; a changed one is lifted today and registered again from its start with the new end.
    A proposal not approved yet registers the effective measures when it is approved."""
    proposal = PenaltyProposal.objects.filter(
        partner_id=override.partner_id, cooperation_type=override.cooperation_type, month=override.month,
        level=int(override.item), status=ApprovalStatus.APPROVED,
    ).select_related("partner").first()
    if proposal is None or proposal.suspension_starts_on is None:
        return
    today = timezone.localdate()
    effective = {m["action"]: m for m in proposal_effective_measures(proposal=proposal, override=override)}
    reason = _("人工调整 #%(id)s：%(reason)s") % {"id": override.pk, "reason": override.reason}
    for restriction in Restriction.objects.filter(
        source_type=ContentType.objects.get_for_model(PenaltyProposal), source_id=str(proposal.pk),
        lifted_on__isnull=True,
    ):
        measure = effective.get(restriction.action)
        new_end = add_duration(restriction.starts_on, measure["duration"]) if measure else None
        if measure is not None and new_end == restriction.ends_on:
            continue
        restriction_lift(restriction=restriction, on=max(today, restriction.starts_on), reason=reason, actor=actor)
        if measure is not None and new_end > max(today, restriction.starts_on):
            restriction_create(
                partner=proposal.partner, action=restriction.action, starts_on=restriction.starts_on, ends_on=new_end,
                rule_id=restriction.rule_id, source=proposal, source_key=f"warning:{restriction.action}:o{override.pk}",
                reason=f"{restriction.reason}（{reason}）", cooperation_type=restriction.cooperation_type, actor=actor,
            )


def scoring_overrides_register() -> None:
    override_kind_register(OverrideKind.ASSESSMENT_ITEM, automatic=_assessment_automatic, clean=_assessment_clean,
                           describe=_assessment_describe, items=_assessment_items)
    override_kind_register(OverrideKind.PENALTY_PROPOSAL, automatic=_proposal_automatic, clean=_proposal_clean,
                           describe=_proposal_describe, on_in_force=_proposal_in_force)
