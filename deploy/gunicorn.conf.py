"""gunicorn settings for migu-ops (compose, systemd and `make serve-prod`); each can be overridden
by the environment variable named beside it."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Large imports belong to `manage.py import_data`; a web request gets two minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycling guards against slow leaks. A recycled worker is forked from the preloaded, warmed master
# (below), so it serves at once; the jitter keeps the workers from recycling at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 2
# Load the application once in the master and warm it (core.warmup): workers start in milliseconds
# instead of importing Django, the URLconf and the catalogues each time one is started or recycled.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in {"0", "false", "no"}
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    # runs in the master after the application is loaded, before the first worker is forked
    if server.cfg.preload_app:
        from core.warmup import warm_up

        warm_up()


def post_fork(server, worker):
    # a worker must never inherit a database connection from the master (none is opened there; this
    # keeps it so whatever a future import does)
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()
