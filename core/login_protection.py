"""Login protection: django-axes locks a username on one address after repeated failures, and a
rate limit on the login forms (admin and API) slows down guessing across usernames.

Both use one notion of the client's address (``client_ip``): REMOTE_ADDR, or the address the
trusted proxies (``REST_FRAMEWORK["NUM_PROXIES"]``, from ``TRUSTED_PROXY_COUNT``) put in
X-Forwarded-For. Unlock: admin › 访问尝试 (axes' AccessAttempt) — delete the row — or
``manage.py axes_reset_username USERNAME``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """POSTs to a login form per client address (``LOGIN_THROTTLE_RATE``, read at each request)."""

    scope = "login"

    def get_rate(self):
        return settings.LOGIN_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def client_ip(request) -> str:
    """The client's address as the throttles see it (axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    return LoginRateThrottle().get_ident(request) or ""


def _login_paths() -> set[str]:
    return {reverse("admin:login"), reverse("rest_framework:login")}


class LoginThrottleMiddleware:
    """429 with a Chinese message when a client posts to the login forms faster than the rate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and settings.LOGIN_THROTTLE_RATE and request.path in _login_paths():
            throttle = LoginRateThrottle()
            if not throttle.allow_request(request, None):
                wait = int(throttle.wait() or 60)
                response = HttpResponse(
                    f"登录请求过于频繁，请 {wait} 秒后再试。", status=429, content_type="text/plain; charset=utf-8"
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page shown to a locked-out login (admin and API): why, for how long, and who can unlock."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": lockout_minutes(),
    }
    return render(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
