"""Test settings: PostgreSQL when DATABASE_URL is set (CI), SQLite otherwise."""

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Tasks run in-process unless a test is about the worker (those start a real worker on Redis).
CELERY_TASK_ALWAYS_EAGER = True
# Live-server request threads must not keep persistent connections past the test run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
