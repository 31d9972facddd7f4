"""Celery application.

Without ``REDIS_URL`` the settings turn on eager execution, so the embedded default runs
every task in-process; with it, workers and beat share Redis as broker and result backend.
"""

import os

from celery import Celery

# Production unless told otherwise, like wsgi.py: this module is imported first by every entry point
# (``migu_ops/__init__.py``), and a worker that forgets its environment must not run on local settings.
# manage.py sets local before it gets here; `make worker`/`make beat` pass local explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.production")

app = Celery("migu_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
