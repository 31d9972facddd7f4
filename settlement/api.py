from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin

from .exports import export_filename, statements_workbook
from .filters import SettlementStatementFilter
from .selectors import statements_for_api
from .serializers import SettlementStatementSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SettlementStatementViewSet(ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly settlement statements (R-S-*); partners see only their own approved statements.

    Staff: POST ``{id}/submit/``, ``{id}/approve/`` (division leader), ``{id}/return/``; GET ``export/`` (xlsx).
    """

    published_only_for_partners = True
    queryset = statements_for_api()
    serializer_class = SettlementStatementSerializer
    filterset_class = SettlementStatementFilter

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        """The filtered statements as an Excel workbook, one sheet per month (Chinese headers)."""
        statements = list(self.filter_queryset(self.get_queryset()))
        response = HttpResponse(statements_workbook(statements), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(s.month for s in statements)}"'
        return response


routes = [("settlements", SettlementStatementViewSet, "settlement")]
