from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewspaperConfig(AppConfig):
    name = "newspaper"
    verbose_name = _("手机报")

    def ready(self) -> None:
        from partners.imports.specs import register_spec

        from .imports import DOCUMENTS_SPEC, PRODUCTS_SPEC

        register_spec(PRODUCTS_SPEC)
        register_spec(DOCUMENTS_SPEC)
