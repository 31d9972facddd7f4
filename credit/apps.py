from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("信用积分")

    def ready(self) -> None:
        from core.approval import approvable_register

        from . import services
        from .models import CompanyImportanceEvidence, MajorViolation, MonthlyCreditScore

        approvable_register(MonthlyCreditScore, on_approved=services.credit_score_approved)
        approvable_register(MajorViolation, on_approved=services.major_violation_approved)
        approvable_register(
            CompanyImportanceEvidence,
            on_approved=services.company_importance_approved,
            problems=services.company_importance_approval_problems,
        )

        from .services.overrides import credit_overrides_register

        credit_overrides_register()

        from core.jobs import job_register

        job_register(name=services.JOB_NAME, label=_("信用积分"), task="credit.run_credit_scoring", period="month")
        job_register(name=services.SANCTIONS_JOB_NAME, label=_("信用处罚（到期执行）"),
                     task="credit.apply_due_sanctions", period="date")
