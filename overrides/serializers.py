"""The override as every decision's API shows it, and the staff endpoint's shape."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.filters import MONTH_SCHEMA
from core.api.serializers import LabelledModelSerializer
from partners.serializers import MonthField, PartnerCodeField

from .choices import OverrideKind
from .models import DecisionOverride
from .registry import describe


class OverrideSummarySerializer(LabelledModelSerializer):
    """Who overrode the decision, when, why, to what, and where the approval stands (read only)."""

    created_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True, allow_null=True)
    value_text = serializers.SerializerMethodField()
    automatic_text = serializers.SerializerMethodField()
    automatic_current_text = serializers.SerializerMethodField()
    in_force = serializers.BooleanField(read_only=True)
    automatic_moved = serializers.BooleanField(read_only=True)

    class Meta:
        model = DecisionOverride
        fields = ["id", "kind", "item", "automatic_value", "automatic_text", "automatic_current",
                  "automatic_current_text", "automatic_moved", "automatic_moved_at", "value", "value_text", "reason",
                  "created_by", "created_at", "status", "approved_by", "approved_at", "in_force", "superseded_at"]
        read_only_fields = fields

    def get_value_text(self, obj) -> str:
        return describe(obj.kind, obj.value)

    def get_automatic_text(self, obj) -> str:
        return describe(obj.kind, obj.automatic_value)

    def get_automatic_current_text(self, obj) -> str:
        return describe(obj.kind, obj.automatic_current)


class DecisionOverrideSerializer(OverrideSummarySerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)

    class Meta(OverrideSummarySerializer.Meta):
        fields = ["id", "kind", "partner", "cooperation_type", "month", "item", "automatic_value", "automatic_text",
                  "automatic_current", "automatic_current_text", "automatic_moved", "automatic_moved_at", "value",
                  "value_text", "reason", "created_by", "created_at", "status", "approved_by", "approved_at",
                  "in_force", "superseded_at"]
        read_only_fields = fields


class DecisionOverrideCreateSerializer(serializers.Serializer):
    """Staff file an override: the decision's natural key, the new value and the reason (all checked by the
    service, which answers in Chinese naming the field)."""

    kind = serializers.ChoiceField(choices=OverrideKind.choices)
    partner = serializers.CharField(help_text="合作方编码")
    cooperation_type = serializers.CharField(required=False, allow_blank=True, default="")
    month = serializers.RegexField(MONTH_SCHEMA["pattern"], help_text="YYYY-MM",
                                   error_messages={"invalid": _("月份须为 YYYY-MM 形式，如 2026-10")})
    item = serializers.CharField(help_text="考核项目（revenue_score 等）、预警级别（1–4）或信用处罚措施编码")
    value = serializers.JSONField(help_text="考核项目：分数；预警处罚：[{action, duration: {value, unit}}]；"
                                            "信用处罚：{\"waived\": true}")
    reason = serializers.CharField(allow_blank=True, help_text="调整原因（必填）")
