from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("审批与作业")

    def ready(self):
        from . import log_context

        log_context.connect()
