from rest_framework import viewsets

from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from .filters import RestrictionFilter
from .models import Restriction
from .serializers import RestrictionSerializer


class RestrictionViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Everything that forbids a partner something, with its rule id and period (filter ``date`` for in force)."""

    queryset = Restriction.objects.select_related("partner", "sub_channel")
    serializer_class = RestrictionSerializer
    filterset_class = RestrictionFilter


routes = [("restrictions", RestrictionViewSet, "restriction")]
