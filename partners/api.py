from rest_framework import viewsets

from core.api.scoping import PartnerScopedMixin

from . import filters, serializers
from .models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue, Partner, SubChannel


class PartnerViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Partners; a partner user sees its own record only."""

    partner_lookup = "id"
    queryset = Partner.objects.select_related("related_group")
    serializer_class = serializers.PartnerSerializer
    filterset_class = filters.PartnerFilter
    lookup_field = "code"


class ContractViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Contract.objects.select_related("partner")
    serializer_class = serializers.ContractSerializer
    filterset_class = filters.ContractFilter


class SubChannelViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SubChannel.objects.select_related("partner")
    serializer_class = serializers.SubChannelSerializer
    filterset_class = filters.SubChannelFilter
    lookup_field = "code"


class ComplaintViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ComplaintTicket.objects.select_related("partner")
    serializer_class = serializers.ComplaintSerializer
    filterset_class = filters.ComplaintFilter
    lookup_field = "ticket_id"


class MonthlyRevenueViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = MonthlyRevenue.objects.select_related("partner")
    serializer_class = serializers.MonthlyRevenueSerializer
    filterset_class = filters.MonthlyRevenueFilter


class MonthlyContributionViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = MonthlyContribution.objects.select_related("partner")
    serializer_class = serializers.MonthlyContributionSerializer
    filterset_class = filters.MonthlyContributionFilter


routes = [
    ("partners", PartnerViewSet, "partner"),
    ("contracts", ContractViewSet, "contract"),
    ("sub-channels", SubChannelViewSet, "sub-channel"),
    ("complaints", ComplaintViewSet, "complaint"),
    ("revenues", MonthlyRevenueViewSet, "revenue"),
    ("contributions", MonthlyContributionViewSet, "contribution"),
]
