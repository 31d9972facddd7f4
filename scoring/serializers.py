"""API shapes of CONTRACT.md §3: month as YYYY-MM, money as decimal strings, scores as numbers."""

from rest_framework import serializers

from core.api.serializers import (
    AttachingListSerializer,
    AttachMixin,
    ChoiceLabelField,
    ItemSerializer,
    LabelledModelSerializer,
    ScoreField,
    partner_caller,
)
from enforcement.choices import RestrictedAction
from overrides.serializers import OverrideSummarySerializer
from partners.serializers import MonthField, PartnerCodeField

from .models import DailyNotification, MonthlyAssessment, MonthlyWarning, PenaltyProposal
from .selectors import assessments_attach_overrides, proposals_attach_overrides


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


class AssessmentSerializer(AttachMixin, LabelledModelSerializer):
    """``total`` and the item scores are the job's automatic values; ``effective_total`` / ``effective_scores``
    apply the overrides in force (``overrides``: who, when, why, approval state; partners see approved ones)."""

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
    effective_total = ScoreField()
    effective_scores = serializers.DictField(child=ScoreField(), read_only=True)
    overridden = serializers.SerializerMethodField()
    overrides = OverrideSummarySerializer(source="decision_overrides", many=True, read_only=True)

    class Meta:
        model = MonthlyAssessment
        fields = ["id", "partner", "cooperation_type", "month", "total", "revenue_score", "health_score",
                  "bonus_score", "deduction_score", "status", "rule_set_version", "items", "revenue",
                  "complaint_count", "health_ratio", "incubation", "late_or_quality_count", "upgraded_count",
                  "approved_at", "effective_total", "effective_scores", "overridden", "overrides"]
        list_serializer_class = AttachingListSerializer

    @classmethod
    def attach(cls, rows, context) -> None:
        assessments_attach_overrides(rows, published_only=partner_caller(context))

    def get_overridden(self, obj) -> bool:
        return bool(obj.overrides_in_force)


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


class PenaltyProposalSerializer(AttachMixin, LabelledModelSerializer):
    """``measures`` are the job's automatic measures; ``effective_measures`` apply an override in force."""

    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    payout_percent = ScoreField(max_digits=5)
    superseded = serializers.BooleanField(source="is_superseded", read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    suspensions = SuspensionSerializer(source="restrictions", many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    effective_measures = MeasureSerializer(many=True, read_only=True)
    overridden = serializers.SerializerMethodField()
    overrides = OverrideSummarySerializer(source="decision_overrides", many=True, read_only=True)

    class Meta:
        model = PenaltyProposal
        fields = ["id", "partner", "cooperation_type", "month", "level", "reached_on", "notification_count",
                  "measures", "payout_percent", "status", "superseded", "superseded_by", "suspension_starts_on",
                  "suspensions", "rule_set_version", "items", "approved_at", "effective_measures", "overridden",
                  "overrides"]
        list_serializer_class = AttachingListSerializer

    @classmethod
    def attach(cls, rows, context) -> None:
        proposals_attach_overrides(rows, published_only=partner_caller(context))

    def get_overridden(self, obj) -> bool:
        return obj.override_in_force is not None
