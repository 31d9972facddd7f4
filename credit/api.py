from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.approval import ApprovalActionsMixin
from core.api.permissions import caller_partner_id, is_staff_user
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin
from core.months import parse_date
from enforcement.models import Restriction
from enforcement.selectors import in_force_q, restrictions_in_force_by_partner
from partners.models import Partner

from . import filters, selectors, serializers
from .choices import EvidenceChannel
from .exports import CreditSanctionExporter
from .models import CompanyImportanceEvidence, MajorViolation
from .services import company_importance_file


class CreditScoreViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly credit scores (R-K-RANGE); partners see only approved ones. ``path/``: the way to the next grade.

    Staff: ``POST {id}/submit/``, ``approve/`` (division leader; issues the grade's sanctions), ``return/``.
    """

    published_only_for_partners = True
    queryset = selectors.credit_scores()
    serializer_class = serializers.CreditScoreSerializer
    filterset_class = filters.CreditScoreFilter

    @extend_schema(responses=serializers.CreditPathSerializer)
    @action(detail=True, methods=["get"])
    def path(self, request, pk=None):
        return Response(serializers.CreditPathSerializer(selectors.credit_score_path(score=self.get_object())).data)


class CreditSanctionViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctions of published grades and linked penalties, with due dates (R-K-DEADLINE) and status."""

    queryset = selectors.credit_sanctions()
    serializer_class = serializers.CreditSanctionSerializer
    exporter_class = CreditSanctionExporter
    filterset_class = filters.CreditSanctionFilter


def _date_param(request):
    text = request.query_params.get("date")
    if not text:
        return timezone.localdate()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError({"date": [str(exc)]}) from None


@extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD（默认今天）"),
                           OpenApiParameter("partner", str, description="合作方编码（运营人员）")])
class BlockedViewSet(PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """What is blocked for a partner on a date and until when: ``action_allowed`` over every action.

    A partner sees its own row; staff see the partners with a restriction in force on the date
    (or any partner with ``?partner=CODE``).
    """

    partner_lookup = "id"
    lookup_field = "code"
    extra_query_params = ("date", "partner")
    queryset = Partner.objects.order_by("code")
    serializer_class = serializers.BlockedSummarySerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        code = self.request.query_params.get("partner")
        if code and "\x00" in code:  # as every text filter: the database refuses a NUL character
            raise ValidationError({"partner": [_("不能包含空字符")]})
        if code:
            return queryset.filter(code=code)
        if self.action == "list" and is_staff_user(self.request.user):
            in_force = Restriction.objects.filter(in_force_q(_date_param(self.request))).values("partner_id")
            queryset = queryset.filter(pk__in=in_force)
        return queryset

    def get_serializer(self, instance=None, *args, **kwargs):
        on = _date_param(self.request)
        if kwargs.get("many"):
            partners = list(instance)
            in_force = restrictions_in_force_by_partner(on=on, partner_ids=[p.pk for p in partners])
            data = [selectors.blocked_summary(partner=p, on=on, restrictions=in_force[p.pk]) for p in partners]
        elif instance is not None:
            data = selectors.blocked_summary(partner=instance, on=on)
        else:
            return super().get_serializer(*args, **kwargs)
        return serializers.BlockedSummarySerializer(data, many=kwargs.get("many", False))


class CompanyImportanceViewSet(PartnerScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Company-importance evidence (R-K-STRATEGIC): partners file their own, staff file for any partner."""

    partner_may_write = True
    queryset = CompanyImportanceEvidence.objects.select_related("partner")
    serializer_class = serializers.CompanyImportanceSerializer
    filterset_class = filters.CompanyImportanceFilter

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "data" in kwargs and not is_staff_user(self.request.user):
            # A partner files for itself: its ``partner`` value is ignored and never looked up, so the
            # answer is the same whether or not another partner's code exists (no code oracle).
            serializer.fields["partner"] = drf_serializers.SlugRelatedField(slug_field="code", read_only=True)
            # likewise the authorising parent (R-K-STRATEGIC) is recorded by staff from the authorisation letter
            serializer.fields["authorised_by_parent"] = drf_serializers.SlugRelatedField(slug_field="code",
                                                                                         read_only=True)
        return serializer

    def perform_create(self, serializer):
        user = self.request.user
        data = dict(serializer.validated_data)
        if is_staff_user(user):
            partner = data.pop("partner", None)
            if partner is None:
                raise ValidationError({"partner": [_("运营人员提交时须填写合作方编码")]})
            channel = EvidenceChannel.STAFF
        else:
            data.pop("partner", None)
            partner = Partner.objects.get(pk=caller_partner_id(user))
            channel = EvidenceChannel.PARTNER_API
        serializer.instance = company_importance_file(partner=partner, channel=channel, actor=user, **data)


class MajorViolationViewSet(ApprovalActionsMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Approved major violations (R-X-MAJOR) and whether the penalty is settled (R-K-LINKED)."""

    published_only_for_partners = True
    queryset = MajorViolation.objects.select_related("partner")
    serializer_class = serializers.MajorViolationSerializer
    filterset_class = filters.MajorViolationFilter


routes = [
    ("credit-scores", CreditScoreViewSet, "credit-score"),
    ("credit-sanctions", CreditSanctionViewSet, "credit-sanction"),
    ("blocked", BlockedViewSet, "blocked"),
    ("company-importance", CompanyImportanceViewSet, "company-importance"),
    ("major-violations", MajorViolationViewSet, "major-violation"),
]
