from rest_framework import viewsets

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from .filters import ControlEventFilter
from .selectors import control_events_for_api
from .serializers import ControlEventSerializer


class ControlEventViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Control events with their measures (R-C-*); partners see only approved events against themselves.

    Staff: POST ``{id}/submit/``, ``{id}/approve/`` (department head, R-D-APPROVAL), ``{id}/return/``.
    """

    published_only_for_partners = True
    queryset = control_events_for_api()
    serializer_class = ControlEventSerializer
    filterset_class = ControlEventFilter


routes = [("control-events", ControlEventViewSet, "control-event")]
