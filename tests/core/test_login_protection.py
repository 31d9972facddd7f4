"""Login protection (issue: brute force on /admin/login/ and /api/auth/login/).

django-axes locks a username on one address after AXES_FAILURE_LIMIT failures (20 by default, from
LOGIN_FAILURE_LIMIT) for AXES_COOLOFF_TIME; the right password is refused until then or until an
administrator unlocks it. A rate limit on the login forms answers 429 beyond LOGIN_THROTTLE_RATE.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
API_LOGIN = "/api/auth/login/"
PASSWORD = "right-pw-12345"


@pytest.fixture(autouse=True)
def _clean_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True, username="ops-login")
    user.set_password(PASSWORD)
    user.save()
    return user


def _post(client, url, password, *, username="ops-login", ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_default_limit_is_twenty_failures():
    assert settings.AXES_FAILURE_LIMIT == 20
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.parametrize("url", [ADMIN_LOGIN, API_LOGIN], ids=["admin", "api"])
def test_nineteen_failures_still_let_the_right_password_in(client, staff, url):
    for _ in range(19):
        assert _post(client, url, "wrong").status_code == 200
    response = _post(client, url, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)
    # a successful login forgets the failures
    assert not AccessAttempt.objects.filter(username="ops-login").exists()


@pytest.mark.parametrize("url", [ADMIN_LOGIN, API_LOGIN], ids=["admin", "api"])
def test_twenty_failures_lock_the_account_and_the_right_password_is_refused(client, staff, url):
    statuses = [_post(client, url, "wrong").status_code for _ in range(20)]
    assert statuses == [200] * 19 + [429]  # the 20th failure locks
    locked = _post(client, url, PASSWORD)
    assert locked.status_code == 429 and not _logged_in(client)
    page = locked.content.decode()
    assert "账号已锁定" in page and "连续登录失败 20 次" in page and "30 分钟" in page and "访问尝试" in page
    # the lock is per username and address: the same user from another address, another user here
    assert _post(client, url, PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_holds_for_the_configured_time_then_lifts(client, staff):
    for _ in range(20):
        _post(client, ADMIN_LOGIN, "wrong")
    assert _post(client, ADMIN_LOGIN, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert _post(client, ADMIN_LOGIN, PASSWORD).status_code == 302 and _logged_in(client)


def test_an_administrator_unlocks_in_the_admin(client, staff, django_user_model):
    for _ in range(20):
        _post(client, ADMIN_LOGIN, "wrong")
    attempt = AccessAttempt.objects.get(username="ops-login")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    admin = type(client)()
    admin.force_login(root)
    changelist = admin.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "ops-login" in changelist.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _post(client, ADMIN_LOGIN, PASSWORD).status_code == 302 and _logged_in(client)


def test_the_command_line_unlock(client, staff):
    for _ in range(20):
        _post(client, API_LOGIN, "wrong")
    call_command("axes_reset_username", "ops-login")
    assert _post(client, API_LOGIN, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_configurable(client, staff):
    for _ in range(3):
        _post(client, API_LOGIN, "wrong")
    assert _post(client, API_LOGIN, PASSWORD).status_code == 429


@pytest.mark.parametrize("url", [ADMIN_LOGIN, API_LOGIN], ids=["admin", "api"])
@override_settings(LOGIN_THROTTLE_RATE="5/minute")
def test_login_posts_beyond_the_rate_are_throttled_across_usernames(client, staff, url):
    for number in range(5):
        assert _post(client, url, "wrong", username=f"guess-{number}").status_code == 200
    response = _post(client, url, PASSWORD)
    assert response.status_code == 429
    assert "登录请求过于频繁" in response.content.decode() and int(response["Retry-After"]) > 0
    assert _post(client, url, PASSWORD, ip="10.0.0.9").status_code == 302  # per address
    assert client.get(url).status_code in (200, 302)  # showing the form is never throttled


def test_the_default_login_rate_lets_the_lockout_be_reached():
    # twenty failures within a minute must reach axes' lock rather than the rate limit
    rate, _, period = settings.LOGIN_THROTTLE_RATE.partition("/")
    assert period.startswith("m") and int(rate) > settings.AXES_FAILURE_LIMIT
