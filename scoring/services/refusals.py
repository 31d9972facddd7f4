"""What a scoring job may not overwrite (results submitted or approved) and how a refusal names the rows."""

from core.choices import ApprovalStatus
from partners.choices import CooperationType
from partners.models import Partner

PROTECTED_STATUSES = (ApprovalStatus.APPROVED, ApprovalStatus.SUBMITTED)


def _type_label(cooperation_type: str) -> str:
    return str(CooperationType(cooperation_type).label) if cooperation_type in CooperationType.values else (
        cooperation_type
    )


def _partner_codes(partner_ids) -> dict[int, str]:
    return dict(Partner.objects.filter(pk__in=set(partner_ids)).values_list("pk", "code"))
