"""Read endpoints for notifications, warnings, assessments and penalty proposals; staff approval actions."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from .exports import AssessmentExporter, PenaltyProposalExporter
from .filters import AssessmentFilter, NotificationFilter, PenaltyProposalFilter, WarningFilter
from .models import DailyNotification, MonthlyWarning
from .selectors import assessment_path, assessments_for_list, penalty_proposals_for_list, warning_path
from .serializers import (
    AssessmentPathSerializer,
    AssessmentSerializer,
    NotificationSerializer,
    PenaltyProposalSerializer,
    WarningPathSerializer,
    WarningSerializer,
)


class NotificationViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Daily notifications (R-D-NOTIFY): days whose unknowing-subscription tickets reached the threshold."""

    queryset = DailyNotification.objects.select_related("partner", "rule_set")
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter


class WarningViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly warning levels (R-D-WARN) with the day each level was first reached. ``path/``: the notifications
    left before the next level."""

    queryset = MonthlyWarning.objects.select_related("partner", "rule_set")
    serializer_class = WarningSerializer
    filterset_class = WarningFilter

    @extend_schema(responses=WarningPathSerializer)
    @action(detail=True, methods=["get"])
    def path(self, request, pk=None):
        return Response(WarningPathSerializer(warning_path(warning=self.get_object(),
                                                           today=timezone.localdate())).data)


class AssessmentViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly assessments (R-M-*) with their breakdown; partners see approved (published) ones only.
    ``path/``: per item, what lifts it to its next bracket."""

    queryset = assessments_for_list()
    serializer_class = AssessmentSerializer
    exporter_class = AssessmentExporter
    filterset_class = AssessmentFilter
    published_only_for_partners = True

    @extend_schema(responses=AssessmentPathSerializer)
    @action(detail=True, methods=["get"])
    def path(self, request, pk=None):
        return Response(AssessmentPathSerializer(assessment_path(assessment=self.get_object())).data)


class PenaltyProposalViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin,
                             viewsets.ReadOnlyModelViewSet):
    """Warning penalty proposals (R-D-WARN, R-D-APPROVAL); partners see approved ones with their suspensions."""

    queryset = penalty_proposals_for_list().prefetch_related("restrictions")
    serializer_class = PenaltyProposalSerializer
    exporter_class = PenaltyProposalExporter
    filterset_class = PenaltyProposalFilter
    published_only_for_partners = True


routes = [
    ("notifications", NotificationViewSet, "notification"),
    ("warnings", WarningViewSet, "warning"),
    ("assessments", AssessmentViewSet, "assessment"),
    ("penalty-proposals", PenaltyProposalViewSet, "penalty-proposal"),
]
