from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

#: POST actions whose own service checks the role the rule names (core.approval); reaching them needs the view right
ROLE_CHECKED_ACTIONS = {"submit", "approve", "send_back"}


def caller_partner_id(user) -> int | None:
    """The partner a non-staff user is bound to, or None (staff, or unbound)."""
    membership = getattr(user, "partner_membership", None)
    return membership.partner_id if membership is not None else None


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def _view_model(view):
    queryset = getattr(view, "queryset", None)
    if queryset is None and hasattr(view, "get_queryset"):
        try:
            queryset = view.get_queryset()
        except Exception:  # a view without a model answers to the staff flag alone
            return None
    return getattr(queryset, "model", None)


def staff_may(user, view, method: str) -> bool:
    """Staff reach an endpoint with the model permission the admin would ask for (docs/roles.md): view to read
    (and to reach the role-checked approval actions), add to create, change to update, delete to delete."""
    model = _view_model(view)
    if model is None:
        return True
    opts = model._meta
    if method in SAFE_METHODS or getattr(view, "action", None) in ROLE_CHECKED_ACTIONS:
        needed = "view"
    else:
        needed = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}.get(method, "change")
    return user.has_perm(f"{opts.app_label}.{needed}_{opts.model_name}")


class IsStaffOrPartnerUser(BasePermission):
    """Staff see what their role's model permissions allow; a partner-bound user only reads, and only its own
    partner (see PartnerScopedMixin)."""

    message = _("需要运营人员账号或已绑定合作方的账号。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if is_staff_user(user):
            return staff_may(user, view, request.method)
        if caller_partner_id(user) is None:
            return False
        return request.method in SAFE_METHODS or getattr(view, "partner_may_write", False)
