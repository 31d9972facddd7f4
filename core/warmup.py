"""Load what Django otherwise loads on a process's first request, before the server forks its workers.

A fresh gunicorn worker's first request used to import the URLconf and every view behind it (about 75 ms
here), the Redis client (about 50 ms) and the translation catalogues; a worker recycled under load
(``max_requests``) made the requests queued behind that first one wait for all of it. With the
application preloaded and warmed in the master (``deploy/gunicorn.conf.py``), each worker is forked
with all of it in memory. Nothing here opens a connection: sockets must not be shared across a fork.
"""

from __future__ import annotations

import gc
import importlib

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - the URLconf and every view module it imports
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("合作方")  # loads the catalogues of every installed app for that language
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        importlib.import_module("redis")  # the client module only; the connection is made in the worker
    # What the master has loaded stays shared with the forked workers: keep the collector off those pages.
    gc.collect()
    gc.freeze()
