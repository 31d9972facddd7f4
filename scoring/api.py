"""Read endpoints for notifications, warnings, assessments and penalty proposals; staff approval actions."""

from rest_framework import viewsets

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from .exports import AssessmentExporter, PenaltyProposalExporter
from .filters import AssessmentFilter, NotificationFilter, PenaltyProposalFilter, WarningFilter
from .models import DailyNotification, MonthlyWarning
from .selectors import assessments_for_list, penalty_proposals_for_list
from .serializers import (
    AssessmentSerializer,
    NotificationSerializer,
    PenaltyProposalSerializer,
    WarningSerializer,
)


class NotificationViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Daily notifications (R-D-NOTIFY): days whose unknowing-subscription tickets reached the threshold."""

    queryset = DailyNotification.objects.select_related("partner", "rule_set")
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter


class WarningViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly warning levels (R-D-WARN) with the day each level was first reached."""

    queryset = MonthlyWarning.objects.select_related("partner", "rule_set")
    serializer_class = WarningSerializer
    filterset_class = WarningFilter


class AssessmentViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly assessments (R-M-*) with their breakdown; partners see approved (published) ones only."""

    queryset = assessments_for_list()
    serializer_class = AssessmentSerializer
    exporter_class = AssessmentExporter
    filterset_class = AssessmentFilter
    published_only_for_partners = True


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
