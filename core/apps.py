from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("审批与作业")

    def ready(self) -> None:
        from .roles import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="core.roles.sync_after_migrate")
