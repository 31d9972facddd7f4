from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("审批与作业")

    def ready(self) -> None:
        from . import log_context
        from .choices import JobStatus
        from .jobs import heartbeat_record_register
        from .models import JobRun

        log_context.connect()
        heartbeat_record_register(JobRun, running=JobStatus.RUNNING, failed=JobStatus.FAILED, note_field="message")
