"""Health endpoints for load balancers and orchestrators (docs/deployment.md).

``/healthz``: the process answers (no I/O) — for liveness. ``/readyz``: the database answers a
query and, when a broker is configured (``CELERY_BROKER_URL`` other than the in-memory default of
the embedded set-up), the broker accepts a connection — for readiness; 503 otherwise. Both are
anonymous, never cached, and say only "ok" or which dependency failed (no error details).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def _database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def broker_configured() -> bool:
    url = settings.CELERY_BROKER_URL or ""
    return bool(url) and not url.startswith("memory://") and not settings.CELERY_TASK_ALWAYS_EAGER


def _broker() -> str:
    if not broker_configured():
        return "not configured"
    from celery import current_app as app  # the project's app (migu_ops.celery), without importing the project

    with app.connection_for_write(url=settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


CHECKS = {"database": _database, "broker": _broker}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure of a dependency means "not ready", never a 500
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "unavailable"
            ready = False
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
