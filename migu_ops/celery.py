"""Celery application.

Without ``REDIS_URL`` the settings turn on eager execution, so the embedded default runs
every task in-process; with it, workers and beat share Redis as broker and result backend.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migu_ops.settings.local")

app = Celery("migu_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
