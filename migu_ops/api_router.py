"""The /api/v1/ router. Each app's ``api.py`` lists its ``routes`` as (prefix, viewset, basename)."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_MODULES = [
    "partners.api",
    "enforcement.api",
    "overrides.api",
    "scoring.api",
    "credit.api",
    "controls.api",
    "settlement.api",
    "codes.api",
    "newspaper.api",
]

router = DefaultRouter()
for module_name in API_MODULES:
    for prefix, viewset, basename in import_module(module_name).routes:
        router.register(prefix, viewset, basename=basename)
