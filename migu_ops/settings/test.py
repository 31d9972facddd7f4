"""Test settings: PostgreSQL when DATABASE_URL is set (CI), SQLite otherwise."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Tasks run in-process unless a test is about the worker (those start a real worker on Redis, with
# CELERY_TEST_WORKER=1, so the tasks it sends — a chord's shards — go through the broker too).
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_TEST_WORKER")
# Live-server request threads must not keep persistent connections past the test run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
