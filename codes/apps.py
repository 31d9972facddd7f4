from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "codes"
    verbose_name = _("业务代码")

    def ready(self) -> None:
        from partners.imports.specs import register_spec

        from .imports import CODE_STATS_SPEC

        register_spec(CODE_STATS_SPEC)
