import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core.audit import audit_record
from core.months import add_months

from .choices import IncubationBasis, PartnerStatus
from .models import Contract, Partner, PartnerMembership


@transaction.atomic
def partner_user_create(*, username: str, partner_code: str, password: str | None = None):
    """A login bound to one partner, without staff rights; re-running it re-binds the same user."""
    partner = Partner.objects.filter(code=partner_code).first()
    if partner is None:
        raise ValidationError(f"partner_code: 合作方 '{partner_code}' 不存在")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"is_staff": False})
    if user.is_staff or user.is_superuser:
        raise ValidationError(f"username: '{username}' 是运营人员账号，不能绑定合作方")
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    PartnerMembership.objects.update_or_create(user=user, defaults={"partner": partner})
    audit_record(obj=partner, action="partner_user_bind", data={"username": username})
    return user


def contract_default_incubation(
    *, partner: Partner, cooperation_type: str, start_date: dt.date, gap_months: int
) -> tuple[bool, str]:
    """Incubation eligibility by R-M-INCUB when no explicit decision is given.

    First-time introduction, or re-introduction with no contract of the same type in the
    ``gap_months`` before ``start_date``, qualifies. Mode changes and other cases are decisions
    recorded on the contract explicitly.
    """
    # A partner's first contract of a cooperation type is a first-time introduced cooperation, even when it
    # already cooperates under the other type (RULES.md R-M-INCUB interpretation: 初次评审引入的合作).
    same_type = Contract.objects.filter(partner=partner, cooperation_type=cooperation_type, start_date__lt=start_date)
    if not same_type.exists():
        return True, IncubationBasis.FIRST_TIME
    window_start = add_months(start_date, -gap_months)
    recent = same_type.filter(end_date__isnull=True) | same_type.filter(end_date__gte=window_start)
    if not recent.exists():
        return True, IncubationBasis.REINTRODUCED
    return False, IncubationBasis.NONE


# --- life cycle: termination and the re-entry ban (R-X-EXIT) ---------------------------------------------------

@transaction.atomic
def partner_terminate(*, partner: Partner, on: dt.date, actor=None, rule_id: str, reason: str) -> Partner:
    """End the cooperation: partner terminated, every open or later-ending contract end-dated at ``on``."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = partner.status
    ended = []
    for contract in partner.contracts.filter(Q(end_date__isnull=True) | Q(end_date__gt=on)):
        contract.end_date = max(on, contract.start_date)
        contract.save(update_fields=["end_date", "updated_at"])
        ended.append(contract.pk)
    partner.status = PartnerStatus.TERMINATED
    partner.save(update_fields=["status", "updated_at"])
    audit_record(obj=partner, action="partner_terminate", actor=actor, rule_id=rule_id, reason=reason,
                 from_status=before, to_status=partner.status, data={"contracts_end_dated": ended,
                                                                      "on": on.isoformat()})
    return partner


@transaction.atomic
def partner_reentry_ban(*, partner: Partner, until: dt.date, actor=None, rule_id: str, reason: str) -> None:
    """The partner may not cooperate again before ``until`` (exclusive end of the rule set's ban)."""
    Partner.objects.filter(pk=partner.pk).update(reentry_banned_until=until)
    audit_record(obj=partner, action="partner_reentry_ban", actor=actor, rule_id=rule_id, reason=reason,
                 data={"reentry_banned_until": until.isoformat()})
