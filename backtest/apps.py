from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BacktestConfig(AppConfig):
    name = "backtest"
    verbose_name = _("规则回测")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import RuleSetActivationRequest

        approvable_register(
            RuleSetActivationRequest,
            on_approved=services.rule_set_activation_approved,
            problems=services.rule_set_activation_problems,
        )

        from core.jobs import job_register

        job_register(name=services.JOB_NAME, label=_("规则回测（草稿规则集）"), task="backtest.run_backtest",
                     period="month")
