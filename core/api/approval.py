"""POST actions for approvable results, over the one approval workflow in ``core.approval``.

A viewset adds ``ApprovalActionsMixin`` to offer ``POST …/{id}/submit/``, ``…/approve/`` and ``…/return/``
(body ``{"note": "…"}``, or ``{"reason": "…"}`` for return). Roles, self-approval and concurrency are
checked by the services exactly as in the admin; partner users cannot post (``IsStaffOrPartnerUser``).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.approval import approval_approve, approval_return, approval_submit


class ApprovalActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="提交/审批意见")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="退回原因（退回时必填）")


class ApprovalActionsMixin:
    def _approval_action(self, request, handler, **extra):
        body = ApprovalActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        obj = self.get_object()
        # refusals (ApprovalError, PermissionDenied) become 400/403 in core.api.exceptions
        if handler is approval_return:
            updated = handler(obj=obj, actor=request.user, reason=body.validated_data["reason"]
                              or body.validated_data["note"])
        else:
            updated = handler(obj=obj, actor=request.user, note=body.validated_data["note"])
        updated = self.get_queryset().get(pk=updated.pk)
        return Response(self.get_serializer(updated).data)

    @extend_schema(request=ApprovalActionSerializer, summary="提交审批")
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._approval_action(request, approval_submit)

    @extend_schema(request=ApprovalActionSerializer, summary="审批通过（发布）")
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._approval_action(request, approval_approve)

    @extend_schema(request=ApprovalActionSerializer, summary="退回（须填写原因）")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, *args, **kwargs):
        return self._approval_action(request, approval_return)
