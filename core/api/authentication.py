"""API token login that loads the caller's partner binding in the same query.

Every partner request reads the binding (``core.api.permissions.caller_partner_id`` and the partner scoping of
each list), so fetching it with the token saves one query per request on every partner endpoint.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Authorization: Token <key>`` login; the user and their partner binding come in one query."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__partner_membership").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
