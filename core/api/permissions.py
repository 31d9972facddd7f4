from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


def caller_partner_id(user) -> int | None:
    """The partner a non-staff user is bound to, or None (staff, or unbound)."""
    membership = getattr(user, "partner_membership", None)
    return membership.partner_id if membership is not None else None


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


class IsStaffOrPartnerUser(BasePermission):
    """Staff see everything; a partner-bound user only reads, and only its own partner (see PartnerScopedMixin)."""

    message = _("需要运营人员账号或已绑定合作方的账号。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if is_staff_user(user):
            return True
        if caller_partner_id(user) is None:
            return False
        return request.method in SAFE_METHODS or getattr(view, "partner_may_write", False)
