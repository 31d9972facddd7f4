from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("合作方")

    def ready(self) -> None:
        from core.jobs import heartbeat_record_register

        from .choices import ImportStatus
        from .models import ImportRun

        heartbeat_record_register(ImportRun, running=ImportStatus.RUNNING, failed=ImportStatus.FAILED,
                                  note_field="errors")
