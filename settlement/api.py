from rest_framework import viewsets

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from .exports import SettlementStatementExporter
from .filters import SettlementStatementFilter
from .selectors import statements_for_api
from .serializers import SettlementStatementSerializer


class SettlementStatementViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin,
                                 viewsets.ReadOnlyModelViewSet):
    """Monthly settlement statements (R-S-*); partners see only their own approved statements.

    Staff: POST ``{id}/submit/``, ``{id}/approve/`` (division leader), ``{id}/return/``; GET ``export/`` (xlsx).
    """

    published_only_for_partners = True
    queryset = statements_for_api()
    serializer_class = SettlementStatementSerializer
    filterset_class = SettlementStatementFilter
    exporter_class = SettlementStatementExporter


routes = [("settlements", SettlementStatementViewSet, "settlement")]
