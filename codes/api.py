from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api.permissions import caller_partner_id, is_staff_user
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin
from partners.models import Contract

from . import filters
from . import serializers as s
from .models import BusinessCode, CodeApplication, CodeChangeRequest, CodeMonthlyStat, CodeRecyclingProposal
from .selectors import codes_with_recent_stats
from .services import application_apply, code_change_request_create


def _own(queryset, user, partner_lookup: str):
    """Writes are scoped like reads: a partner user only reaches its own partner's rows."""
    if is_staff_user(user):
        return queryset
    return queryset.filter(**{partner_lookup: caller_partner_id(user)})


class _RecentStatsQuerysetMixin:
    def get_queryset(self):
        # built per request: "the last 12 months" moves with the calendar
        return codes_with_recent_stats().order_by("code")


class BusinessCodeViewSet(PartnerScopedMixin, _RecentStatsQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Business codes with their last 12 months of statistics (users for monthly, orders for per-use codes)."""

    queryset = BusinessCode.objects.all()
    serializer_class = s.BusinessCodeSerializer
    filterset_class = filters.BusinessCodeFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"


class CodeMonthlyStatViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    partner_lookup = "code__partner_id"
    queryset = CodeMonthlyStat.objects.select_related("code", "code__partner")
    serializer_class = s.CodeMonthlyStatSerializer
    filterset_class = filters.CodeMonthlyStatFilter


class CodeApplicationViewSet(ExportViewSetMixin, PartnerScopedMixin, mixins.CreateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    """Applications with their eligibility breakdown and reviews; a partner applies for its own contracts."""

    partner_may_write = True
    queryset = CodeApplication.objects.select_related(
        "batch", "partner", "contract", "rule_set", "granted_code"
    ).prefetch_related("reviews")
    serializer_class = s.CodeApplicationSerializer
    filterset_class = filters.CodeApplicationFilter

    def get_serializer_class(self):
        return s.CodeApplicationCreateSerializer if self.action == "create" else s.CodeApplicationSerializer

    def create(self, request, *args, **kwargs):
        data = s.CodeApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contract = _own(Contract.objects.select_related("partner"), request.user, "partner_id").filter(
            pk=values.pop("contract")).first()
        if contract is None:
            raise serializers.ValidationError({"contract": [_("合同不存在")]})
        application = application_apply(actor=request.user, contract=contract, **values)
        application = self.get_queryset().get(pk=application.pk)
        return Response(s.CodeApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class CodeChangeRequestViewSet(PartnerScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Change requests for a code's CP, name, price or attributes (R-B-CHANGE); partners raise their own."""

    partner_may_write = True
    partner_lookup = "code__partner_id"
    queryset = CodeChangeRequest.objects.select_related("code", "code__partner")
    serializer_class = s.CodeChangeRequestSerializer
    filterset_class = filters.CodeChangeRequestFilter

    def get_serializer_class(self):
        return s.CodeChangeRequestCreateSerializer if self.action == "create" else s.CodeChangeRequestSerializer

    def create(self, request, *args, **kwargs):
        data = s.CodeChangeRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = _own(BusinessCode.objects.all(), request.user, "partner_id").filter(code=values.pop("code")).first()
        if code is None:
            raise serializers.ValidationError({"code": [_("代码不存在")]})
        reason = values.pop("reason", "")
        change = code_change_request_create(code=code, changes=values, reason=reason, actor=request.user)
        return Response(s.CodeChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)


class CodeRecyclingProposalViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Recycling decisions on codes (R-B-YEAREND, R-B-EXIT); partners see approved ones."""

    partner_lookup = "code__partner_id"
    published_only_for_partners = True
    queryset = CodeRecyclingProposal.objects.select_related("code", "code__partner", "rule_set")
    serializer_class = s.CodeRecyclingProposalSerializer
    filterset_class = filters.CodeRecyclingProposalFilter


routes = [
    ("codes", BusinessCodeViewSet, "code"),
    ("code-stats", CodeMonthlyStatViewSet, "code-stat"),
    ("code-applications", CodeApplicationViewSet, "code-application"),
    ("code-change-requests", CodeChangeRequestViewSet, "code-change-request"),
    ("code-recycling-proposals", CodeRecyclingProposalViewSet, "code-recycling-proposal"),
]
