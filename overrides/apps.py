from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverridesConfig(AppConfig):
    name = "overrides"
    verbose_name = _("人工调整")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import DecisionOverride

        approvable_register(DecisionOverride, on_approved=services.decision_override_approved,
                            problems=services.decision_override_approval_problems)
