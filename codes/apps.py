from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "codes"
    verbose_name = _("业务代码")

    def ready(self) -> None:
        from core.approval import approvable_register
        from partners.imports.specs import register_spec

        from . import services
        from .imports import CODE_STATS_SPEC
        from .models import CodeApplication, CodeChangeRequest, CodeRecyclingProposal

        register_spec(CODE_STATS_SPEC)
        approvable_register(CodeApplication, on_approved=services.code_application_approved)
        approvable_register(CodeChangeRequest, on_approved=services.code_change_approved)
        approvable_register(CodeRecyclingProposal, on_approved=services.recycling_proposal_approved)
