"""Overrides of credit grade sanctions (R-K-RANGE, R-K-LINKED; issue 15 item 4; docs/overrides.md): a named person
decides, with a reason and the division leader's approval, that a sanction of the grade is not applied."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from overrides.choices import OverrideKind
from overrides.registry import override_kind_register

from ..choices import SanctionStatus
from ..models import CreditSanction
from ..selectors import sanction_automatic_values
from .sanctions import credit_sanction_cancel, credit_sanction_end


def _clean(*, key, value, automatic) -> dict:
    if not isinstance(value, dict) or value.get("waived") is not True:
        raise ValidationError({"value": _("信用等级处罚只能调整为“不执行”（{\"waived\": true}）")})
    return {"waived": True}


def _describe(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    if value.get("waived"):
        return _("不执行")
    grade = value.get("grade")
    return _("执行（%(grade)s级）") % {"grade": grade} if grade else _("执行")


def _reason(override) -> str:
    return _("人工调整 #%(id)s（%(user)s）：%(reason)s") % {
        "id": override.pk, "user": override.created_by.username, "reason": override.reason}


def sanction_override_enforce(*, sanction: CreditSanction, override, actor=None) -> None:
    """A waived sanction is not applied: a pending one is cancelled, an applied one ends today."""
    if sanction.status == SanctionStatus.PENDING:
        credit_sanction_cancel(sanction=sanction, on=timezone.localdate(), reason=_reason(override), actor=actor)
    elif sanction.status == SanctionStatus.APPLIED:
        credit_sanction_end(sanction=sanction, on=timezone.localdate(), reason=_reason(override), actor=actor,
                            rule_id=override.approval_rule_id)


def _in_force(*, override, actor) -> None:
    for sanction in CreditSanction.objects.filter(
        partner_id=override.partner_id, month=override.month, code=override.item,
        status__in=[SanctionStatus.PENDING, SanctionStatus.APPLIED],
    ).select_related("partner", "origin_partner"):
        sanction_override_enforce(sanction=sanction, override=override, actor=actor)


def credit_sanctions_apply_overrides(*, sanctions, actor=None) -> int:
    """Sanctions just issued for a grade whose waiver is already in force are cancelled at once (one call at the end
    of the approval hook)."""
    from ..selectors import sanctions_attach_overrides

    done = 0
    for sanction in sanctions_attach_overrides(sanctions):
        if sanction.override_in_force is not None:
            sanction_override_enforce(sanction=sanction, override=sanction.override_in_force, actor=actor)
            done += 1
    return done


def credit_overrides_register() -> None:
    override_kind_register(OverrideKind.CREDIT_SANCTION, automatic=sanction_automatic_values, clean=_clean,
                           describe=_describe, on_in_force=_in_force)
