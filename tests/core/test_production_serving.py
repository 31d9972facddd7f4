"""Production serving: /healthz and /readyz, the request id, JSON logs with request and job run ids,
and the deployment files (docs/deployment.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db.utils import OperationalError
from django.test import override_settings

from core import health
from core.log_context import job_run_id_var, request_id_var
from core.models import JobRun

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_the_database(client):
    # no django_db mark: any query would raise here
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_with_the_database_up_and_no_broker_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "not configured"}}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def database_down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable", "checks": {"database": "unavailable", "broker": "not configured"}}


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_readyz_is_503_when_the_configured_broker_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_readyz_with_a_reachable_broker(client):
    with override_settings(CELERY_BROKER_URL=os.environ["REDIS_URL"], CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["broker"] == "ok"


def test_post_is_not_allowed_on_health_endpoints(client):
    assert client.post("/healthz").status_code == 405


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234-abcd")["X-Request-ID"] == "lb-1234-abcd"
    # an id that could forge log lines is replaced
    assert client.get("/healthz", HTTP_X_REQUEST_ID='x" level=ERROR')["X-Request-ID"] != 'x" level=ERROR'


@pytest.mark.django_db
def test_a_new_job_run_becomes_the_job_run_of_the_following_log_lines():
    token = job_run_id_var.set("-")
    try:
        run = JobRun.objects.create(job="daily_notifications", key="2026-10-01")
        assert job_run_id_var.get() == str(run.pk)
    finally:
        job_run_id_var.reset(token)


def test_production_logs_are_json_with_request_and_job_run_ids():
    code = (
        "import logging, django; django.setup();"
        "from core.log_context import bind_job_run, request_id_var;"
        "request_id_var.set('req-12345678'); bind_job_run(42);"
        "logging.getLogger('migu_ops.check').warning('结算完成 %s', 7)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "migu_ops.settings.production",
           "SECRET_KEY": "x7Gq-2Lm9_Vb4Rt8Np1Zs6Wc3Hd5Jf0Ky-Ua2Eo9Ti4Pl7Mn1Qr", "ALLOWED_HOSTS": "ops.example.com"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    [record] = [line for line in lines if line["logger"] == "migu_ops.check"]
    assert record["message"] == "结算完成 7" and record["level"] == "WARNING"
    assert (record["request_id"], record["job_run_id"]) == ("req-12345678", "42")
    assert "time" in record


def test_request_context_defaults_are_dashes():
    assert request_id_var.get() == "-"


# --- deploy/ ------------------------------------------------------------------------------------------

def _compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))


def test_the_compose_file_has_web_worker_beat_postgres_and_redis():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert "gunicorn migu_ops.wsgi:application" in services["web"]["command"]
    assert "migrate --noinput" in services["web"]["command"] and "collectstatic --noinput" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A migu_ops worker")
    assert services["beat"]["command"].startswith("celery -A migu_ops beat")
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "migu_ops.settings.production"
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                         "redis": {"condition": "service_healthy"}}
    assert services["postgres"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    assert (ROOT / "deploy" / services["web"]["build"]["dockerfile"].removeprefix("deploy/")).exists()


def test_the_env_example_names_what_production_requires():
    names = {line.split("=", 1)[0] for line in (ROOT / "deploy" / "env.example").read_text().splitlines()
             if line and not line.startswith("#")}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"} <= names


@pytest.mark.parametrize(("unit", "command"), [
    ("migu-ops-web.service", "gunicorn migu_ops.wsgi:application"),
    ("migu-ops-worker.service", "celery -A migu_ops worker"),
    ("migu-ops-beat.service", "celery -A migu_ops beat"),
])
def test_the_systemd_units_run_the_same_commands(unit, command):
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    sections = {line for line in text.splitlines() if line.startswith("[")}
    assert sections == {"[Unit]", "[Service]", "[Install]"}
    assert command in next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert "Environment=DJANGO_SETTINGS_MODULE=migu_ops.settings.production" in text
    assert "EnvironmentFile=/etc/migu-ops/env" in text


PRODUCTION_ENV = {"DJANGO_SETTINGS_MODULE": "migu_ops.settings.production",
                  "SECRET_KEY": "x7Gq-2Lm9_Vb4Rt8Np1Zs6Wc3Hd5Jf0Ky-Ua2Eo9Ti4Pl7Mn1Qr", "ALLOWED_HOSTS": "127.0.0.1",
                  "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING"}


def test_the_warm_up_loads_the_urlconf_and_catalogues_without_opening_a_connection():
    # What a preloaded gunicorn master runs before forking: the first request of each worker then finds
    # the URLconf, the views and both languages' catalogues loaded, and no socket to share.
    code = (
        "import sys, gc, django; django.setup();"
        "from django.db import connections; from django.utils import translation;"
        "assert 'migu_ops.urls' not in sys.modules;"
        "from core.warmup import warm_up; warm_up();"
        "assert 'migu_ops.urls' in sys.modules and 'partners.api' in sys.modules;"
        "assert all(connection.connection is None for connection in connections.all());"
        "assert gc.get_freeze_count() > 0;"
        "translation.activate('en'); print(translation.gettext('合作方'))"
    )
    env = {**os.environ, **PRODUCTION_ENV}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Partner"


def test_gunicorn_with_the_deployment_config_preloads_and_serves():
    import http.client
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, **PRODUCTION_ENV, "GUNICORN_WORKERS": "1"}
    server = subprocess.Popen(
        [str(gunicorn), "migu_ops.wsgi:application", "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while status is None and time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                status = connection.getresponse().status
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=40)
    assert "Traceback" not in errors, errors
