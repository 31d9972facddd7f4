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
from partners.choices import CooperationType
from partners.serializers import MonthField, PartnerCodeField

from .choices import PathInput, PathItem, PathStatus
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


# --- The path to the next bracket / warning level (read-only shapes of scoring.selectors) -------------------------


class PathTargetSerializer(serializers.Serializer):
    input = serializers.CharField(help_text="须变动的依据数据")
    input_display = ChoiceLabelField(source="input", choices=PathInput.choices)
    comparison = serializers.CharField(help_text="≥ > ≤ < 或 =")
    current = serializers.CharField(help_text="当前值（金额为元，两位小数；件数、人数为整数；营销资源为 true/false）")
    target = serializers.CharField(help_text="须达到的值")
    change = serializers.CharField(help_text="差额（target − current）")


class AssessmentPathItemSerializer(serializers.Serializer):
    item = serializers.CharField()
    item_display = ChoiceLabelField(source="item", choices=PathItem.choices)
    rule = serializers.CharField(help_text="RULES.md 规则编号")
    rule_set_version = serializers.IntegerField()
    status = serializers.CharField()
    status_display = ChoiceLabelField(source="status", choices=PathStatus.choices)
    points = serializers.FloatField(help_text="该项当前得分（扣分为负数）")
    next_points = serializers.FloatField(allow_null=True, help_text="升一档后的得分；空 = 已在最高档或不可提升")
    points_gain = serializers.FloatField(help_text="该项升一档增加的分数")
    total_gain = serializers.FloatField(help_text="仅该项升一档时总分的变化（已计加分上限、只计较高一项、总分上限）")
    targets = PathTargetSerializer(many=True)
    detail = serializers.CharField()


class AssessmentPathSerializer(serializers.Serializer):
    """Per item of the monthly scorecard, what lifts it to its next bracket (R-M-*), from the assessment's rule set."""

    id = serializers.IntegerField()
    partner = serializers.CharField()
    cooperation_type = serializers.CharField()
    cooperation_type_display = ChoiceLabelField(source="cooperation_type", choices=CooperationType.choices)
    month = MonthField(read_only=True)
    assessed_total = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)
    total = serializers.FloatField(help_text="按依据数据重算的总分")
    matches_assessment = serializers.BooleanField(help_text="重算总分与考核结果一致")
    total_max = serializers.FloatField()
    points_to_max = serializers.FloatField()
    total_if_all_lifted = serializers.FloatField(help_text="各项都升一档时的总分")
    next_band = serializers.CharField(allow_null=True, help_text="总分的下一档；RULES.md 未对月度总分分档，为空")
    band_rule = serializers.CharField()
    band_detail = serializers.CharField()
    items = AssessmentPathItemSerializer(many=True)
    rules = serializers.ListField(child=serializers.CharField())
    rule_set_version = serializers.IntegerField()


class WarningMeasurePathSerializer(MeasureSerializer):
    duration_text = serializers.CharField()


class DailyNotificationPathSerializer(serializers.Serializer):
    date = serializers.DateField()
    complaint_count = serializers.IntegerField(help_text="当日已收到的不知情订购投诉工单数")
    notifications = serializers.IntegerField(help_text="按当日工单数计的通报次数")
    next_notification_at = serializers.IntegerField(help_text="当日累计达到此件数即再通报 1 次")
    complaints_to_next_notification = serializers.IntegerField()
    complaints_left_before_next_notification = serializers.IntegerField()
    rule = serializers.CharField()
    rule_set_version = serializers.IntegerField()
    detail = serializers.CharField()


class WarningPathSerializer(serializers.Serializer):
    """Notifications left before the next warning level (R-D-WARN) and today's tickets before the next
    notification (R-D-NOTIFY)."""

    id = serializers.IntegerField()
    partner = serializers.CharField()
    cooperation_type = serializers.CharField()
    cooperation_type_display = ChoiceLabelField(source="cooperation_type", choices=CooperationType.choices)
    month = MonthField(read_only=True)
    notification_count = serializers.IntegerField()
    level = serializers.IntegerField()
    status = serializers.CharField()
    status_display = ChoiceLabelField(source="status", choices=PathStatus.choices)
    next_level = serializers.IntegerField(allow_null=True)
    next_level_at = serializers.IntegerField(allow_null=True, help_text="下一级别的累计通报次数")
    notifications_to_next_level = serializers.IntegerField(allow_null=True, help_text="再通报几次即达到下一级别")
    notifications_left_before_next_level = serializers.IntegerField(allow_null=True,
                                                                    help_text="不达到下一级别还可通报的次数")
    next_level_measures = WarningMeasurePathSerializer(many=True)
    next_level_payout_percent = serializers.FloatField(allow_null=True, help_text="下一级别的结算比例（%）")
    rule = serializers.CharField()
    rule_set_version = serializers.IntegerField()
    detail = serializers.CharField()
    today = DailyNotificationPathSerializer(allow_null=True, help_text="今日（仅当今日在该预警月份内）")
