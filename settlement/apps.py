from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("结算")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import SettlementStatement

        approvable_register(
            SettlementStatement,
            on_approved=services.settlement_statement_approved,
            problems=services.settlement_statement_approval_problems,
        )
