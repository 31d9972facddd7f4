from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("审批与作业")

    def ready(self) -> None:
        from . import log_context
        from .choices import JobStatus
        from .jobs import heartbeat_record_register
        from .models import JobRun
        from .roles import sync_after_migrate

        log_context.connect()
        heartbeat_record_register(JobRun, running=JobStatus.RUNNING, failed=JobStatus.FAILED, note_field="message")
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="core.roles.sync_after_migrate")
