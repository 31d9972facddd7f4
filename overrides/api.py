"""Overrides of automatic decisions: partners read the approved ones of their own decisions; staff file them
(``POST``, ops) and take them through approval (``{id}/submit|approve|return/``, the decision's approver)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin
from core.months import parse_month
from partners.models import Partner

from .exports import DecisionOverrideExporter
from .filters import DecisionOverrideFilter
from .selectors import overrides_for_list
from .serializers import DecisionOverrideCreateSerializer, DecisionOverrideSerializer
from .services import decision_override_create


class DecisionOverrideViewSet(ExportViewSetMixin, ApprovalActionsMixin, PartnerScopedMixin, mixins.CreateModelMixin,
                              viewsets.ReadOnlyModelViewSet):
    """人工调整：自动决定（考核项目、预警处罚建议、信用等级处罚）的具名调整及其原因与审批状态。"""

    queryset = overrides_for_list()
    serializer_class = DecisionOverrideSerializer
    filterset_class = DecisionOverrideFilter
    published_only_for_partners = True
    exporter_class = DecisionOverrideExporter

    @extend_schema(request=DecisionOverrideCreateSerializer, responses={201: DecisionOverrideSerializer})
    def create(self, request, *args, **kwargs):
        body = DecisionOverrideCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = Partner.objects.filter(code=data["partner"]).first()
        if partner is None:
            raise ValidationError({"partner": [_("合作方编码 %(code)s 不存在") % {"code": data["partner"]}]})
        try:
            month = parse_month(data["month"])
        except ValueError as exc:
            raise ValidationError({"month": [str(exc)]}) from None
        override = decision_override_create(
            kind=data["kind"], partner=partner, cooperation_type=data["cooperation_type"], month=month,
            item=data["item"], value=data["value"], reason=data["reason"], actor=request.user,
        )
        override = self.get_queryset().get(pk=override.pk)
        return Response(self.get_serializer(override).data, status=status.HTTP_201_CREATED)


routes = [("decision-overrides", DecisionOverrideViewSet, "decision-override")]
