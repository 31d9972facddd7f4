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
