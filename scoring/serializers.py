"""API shapes of CONTRACT.md §3: month as YYYY-MM, money as decimal strings, scores as numbers."""

from rest_framework import serializers

from core.api.serializers import ChoiceLabelField, LabelledModelSerializer
from enforcement.choices import RestrictedAction
from partners.serializers import MonthField, PartnerCodeField

from .models import DailyNotification, MonthlyAssessment, MonthlyWarning, PenaltyProposal


class ScoreField(serializers.DecimalField):
    """A score as a JSON number with up to 2 decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", False)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class ItemSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="RULES.md 规则编号")
    points = serializers.FloatField()
    detail = serializers.CharField()


class NotificationSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = DailyNotification
        fields = ["id", "partner", "cooperation_type", "date", "complaint_count", "notifications",
                  "rule_set_version", "items"]


class WarningSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    level_reached_on = serializers.DictField(child=serializers.DateField(), read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyWarning
        fields = ["id", "partner", "cooperation_type", "month", "notification_count", "level", "level_reached_on",
                  "rule_set_version", "items"]


class AssessmentSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    total = ScoreField()
    revenue_score = ScoreField()
    health_score = ScoreField()
    bonus_score = ScoreField()
    deduction_score = ScoreField()
    health_ratio = ScoreField(max_digits=14, decimal_places=4)
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyAssessment
        fields = ["id", "partner", "cooperation_type", "month", "total", "revenue_score", "health_score",
                  "bonus_score", "deduction_score", "status", "rule_set_version", "items", "revenue",
                  "complaint_count", "health_ratio", "incubation", "late_or_quality_count", "upgraded_count",
                  "approved_at"]


class SuspensionSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_display = ChoiceLabelField(source="action", choices=RestrictedAction.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    lifted_on = serializers.DateField(allow_null=True)
    rule_id = serializers.CharField()


class MeasureSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_display = ChoiceLabelField(source="action", choices=RestrictedAction.choices)
    duration = serializers.DictField()
    rule = serializers.CharField()


class PenaltyProposalSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    payout_percent = ScoreField(max_digits=5)
    superseded = serializers.BooleanField(source="is_superseded", read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    suspensions = SuspensionSerializer(source="restrictions", many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = PenaltyProposal
        fields = ["id", "partner", "cooperation_type", "month", "level", "reached_on", "notification_count",
                  "measures", "payout_percent", "status", "superseded", "superseded_by", "suspension_starts_on",
                  "suspensions", "rule_set_version", "items", "approved_at"]
