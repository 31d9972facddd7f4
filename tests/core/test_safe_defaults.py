"""Safe defaults: servers default to production settings, which refuse to start without SECRET_KEY and
ALLOWED_HOSTS; manage.py stays on local settings for a developer machine. Content-Security-Policy on every
page, under which the admin and the API docs need no inline script."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
KEY = "x7Gq-2Lm9_Vb4Rt8Np1Zs6Wc3Hd5Jf0Ky-Ua2Eo9Ti4Pl7Mn1Qr"  # 50+ characters, many distinct: passes W009


def _python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items()
             if name not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("entry", ["migu_ops.wsgi", "migu_ops.asgi"])
def test_servers_default_to_production_and_refuse_without_a_secret_key(entry):
    done = _python(f"import {entry}", ALLOWED_HOSTS="ops.example.com")
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in the environment for production" in done.stderr


@pytest.mark.parametrize("entry", ["migu_ops.wsgi", "migu_ops.asgi"])
def test_servers_refuse_without_allowed_hosts(entry):
    done = _python(f"import {entry}", SECRET_KEY=KEY)
    assert done.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set in the environment for production" in done.stderr


def test_servers_start_on_production_settings_when_configured():
    done = _python("import migu_ops.wsgi; from django.conf import settings; "
                   "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.ALLOWED_HOSTS)",
                   SECRET_KEY=KEY, ALLOWED_HOSTS="ops.example.com")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == ["migu_ops.settings.production", "False", "['ops.example.com']"]


def test_manage_py_keeps_local_settings_for_a_developer_machine():
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.SETTINGS_MODULE)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "migu_ops.settings.local"


def test_production_passes_the_deployment_checks():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
        # (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a deployment never has it)
        env={**{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
             "DJANGO_SETTINGS_MODULE": "migu_ops.settings.production", "SECRET_KEY": KEY,
             "ALLOWED_HOSTS": "ops.example.com"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- Content-Security-Policy -----------------------------------------------------------------------

# a script element without src= runs inline (blocked by the policy); JSON data blocks (json_script) never run
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345"))
    return client


def test_every_response_has_the_policy_with_scripts_from_this_site_only(client, db):
    policy = _policy(client.get("/api/docs/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" in policy["style-src"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/docs/?script="])
def test_the_api_docs_run_without_inline_scripts(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    if "script=" in url:
        assert "SwaggerUIBundle" in response.content.decode()  # the start-up script, served as a file
    else:
        page = response.content.decode()
        assert not INLINE_SCRIPT.findall(page), INLINE_SCRIPT.findall(page)
        assert "https://" not in "".join(re.findall(r'<script[^>]*src="([^"]*)"', page))  # served locally


def test_the_admin_login_page_has_no_inline_scripts(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200 and not INLINE_SCRIPT.findall(response.content.decode())
    assert _policy(response)["script-src"] == ["'self'", *settings.CSP_ADMIN_SCRIPT_SRC]


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/partners/partner/", "/admin/partners/partner/add/",
    "/admin/partners/importrun/import/", "/admin/axes/accessattempt/",
])
def test_admin_pages_have_no_inline_scripts_and_get_the_admin_script_sources(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert not INLINE_SCRIPT.findall(page), INLINE_SCRIPT.findall(page)
    assert _policy(response)["script-src"] == ["'self'", *settings.CSP_ADMIN_SCRIPT_SRC]


def test_api_responses_do_not_get_the_admin_script_sources(admin_client):
    assert _policy(admin_client.get("/api/v1/"))["script-src"] == ["'self'"]
