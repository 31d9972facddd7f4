from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("规则与考核")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import MonthlyAssessment, PenaltyProposal

        approvable_register(
            PenaltyProposal,
            on_approved=services.penalty_proposal_approved,
            problems=services.penalty_proposal_approval_problems,
        )
        approvable_register(MonthlyAssessment, on_approved=services.monthly_assessment_approved)

        from .services.overrides import scoring_overrides_register

        scoring_overrides_register()

        from core.jobs import job_register

        job_register(name="run_daily_notifications", label=_("每日投诉通报"), task="scoring.run_daily_notifications",
                     period="date")
        job_register(name="run_monthly_assessment", label=_("月度考核"), task="scoring.run_monthly_assessment",
                     period="month")
