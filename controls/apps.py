from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = _("管控事件")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import ControlEvent, ExtraPenalty

        approvable_register(
            ControlEvent,
            on_approved=services.control_event_approved,
            problems=services.control_event_approval_problems,
        )
        approvable_register(ExtraPenalty, on_approved=services.extra_penalty_approved)
