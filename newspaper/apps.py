from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewspaperConfig(AppConfig):
    name = "newspaper"
    verbose_name = _("手机报")

    def ready(self) -> None:
        from core.approval import approvable_register
        from partners.imports.specs import register_spec

        from . import services
        from .imports import DOCUMENTS_SPEC, PRODUCTS_SPEC
        from .models import Breach, ProductTest, ScoreAction

        approvable_register(
            ProductTest, on_approved=services.product_test_approved, problems=services.product_test_approval_problems
        )
        approvable_register(
            Breach, on_approved=services.breach_approved, problems=services.breach_approval_problems
        )
        approvable_register(
            ScoreAction, on_approved=services.score_action_approved, problems=services.score_action_approval_problems
        )

        register_spec(PRODUCTS_SPEC)
        register_spec(DOCUMENTS_SPEC)

        from core.jobs import job_register

        job_register(name=services.DOCUMENT_EXPIRY_JOB_NAME, label=_("手机报资质证照到期检查"),
                     task="newspaper.documents_expiry_check", period="date", command="run_newspaper_document_expiry")
        job_register(name=services.OPERATING_SCORES_JOB_NAME, label=_("手机报年度运营分"),
                     task="newspaper.run_operating_scores", period="year", command="run_newspaper_scores")
