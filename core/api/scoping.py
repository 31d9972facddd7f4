"""The one mechanism that scopes every endpoint to the caller's partner."""

from django.db.models import QuerySet

from core.choices import ApprovalStatus

from .permissions import caller_partner_id, is_staff_user


def scope_queryset(queryset: QuerySet, user, *, partner_lookup: str, published_only: bool = False) -> QuerySet:
    """Staff: everything. Partner users: only their partner's rows (and only approved ones where asked)."""
    if is_staff_user(user):
        return queryset
    partner_id = caller_partner_id(user)
    if partner_id is None:
        return queryset.none()
    queryset = queryset.filter(**{partner_lookup: partner_id})
    if published_only:
        queryset = queryset.filter(status=ApprovalStatus.APPROVED)
    return queryset


class PartnerScopedMixin:
    """ViewSet mixin: set ``partner_lookup`` to the path from the model to the partner's id.

    ``published_only_for_partners`` hides drafts, submitted and returned results from partner users.
    Every API view that returns partner data uses this mixin; the isolation test walks them all.
    """

    partner_lookup: str = "partner_id"
    published_only_for_partners: bool = False

    def get_queryset(self):
        return scope_queryset(
            super().get_queryset(),
            self.request.user,
            partner_lookup=self.partner_lookup,
            published_only=self.published_only_for_partners,
        )
