from django.db import DatabaseError
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from core.api.filters import MONTH_SCHEMA
from core.api.serializers import AttachingListSerializer, AttachMixin, LabelledModelSerializer, partner_caller
from overrides.serializers import OverrideSummarySerializer
from partners.models import Partner
from partners.serializers import MonthField, PartnerCodeField
from scoring.selectors import NoRuleSetInForce, rule_book_in_force

from .choices import SanctionStatus
from .models import CompanyImportanceEvidence, CreditSanction, MajorViolation, MonthlyCreditScore
from .selectors import sanctions_attach_overrides

SCORE_FIELD = {"max_digits": 8, "decimal_places": 2, "coerce_to_string": False, "read_only": True}


class CreditItemSerializer(serializers.Serializer):
    rule = serializers.CharField()
    item = serializers.CharField()
    name = serializers.CharField()
    points = serializers.FloatField(help_text="项目自身得分（0–100）")
    weight = serializers.FloatField()
    detail = serializers.CharField()
    assumed = serializers.BooleanField(required=False)


class CreditMonthWeightSerializer(serializers.Serializer):
    month = serializers.RegexField(MONTH_SCHEMA["pattern"])  # a YYYY-MM string in the schema too
    monthly_score = serializers.FloatField()
    weight = serializers.FloatField()
    configured_weight = serializers.FloatField()


class CreditScoreSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    score = serializers.DecimalField(**SCORE_FIELD)
    monthly_score = serializers.DecimalField(**SCORE_FIELD)
    items = CreditItemSerializer(many=True, read_only=True)
    months = CreditMonthWeightSerializer(many=True, read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)

    class Meta:
        model = MonthlyCreditScore
        fields = ["id", "partner", "month", "score", "grade", "monthly_score", "weight_profile", "items", "months",
                  "rule_set_version", "status", "approved_at"]


class CreditPathItemSerializer(serializers.Serializer):
    item = serializers.CharField()
    name = serializers.CharField()
    rule = serializers.CharField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    weight = serializers.FloatField()
    max_gain_monthly_score = serializers.FloatField()
    max_gain_score = serializers.FloatField()


class CreditPathSerializer(serializers.Serializer):
    """The path to the next grade (R-K-RANGE thresholds, R-K-WEIGHTED carry-over, R-K-COMPOSE items)."""

    month = serializers.RegexField(MONTH_SCHEMA["pattern"])
    score = serializers.FloatField()
    grade = serializers.CharField()
    next_grade = serializers.CharField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    points_missing = serializers.FloatField()
    next_month = serializers.RegexField(MONTH_SCHEMA["pattern"])
    next_month_score_if_unchanged = serializers.FloatField()
    next_month_best_score = serializers.FloatField()
    monthly_score_needed = serializers.FloatField(allow_null=True)
    reachable_next_month = serializers.BooleanField(allow_null=True)
    items = CreditPathItemSerializer(many=True)
    rules = serializers.ListField(child=serializers.CharField())
    rule_set_version = serializers.IntegerField()


class CreditSanctionSerializer(AttachMixin, LabelledModelSerializer):
    """``waived``: an override in force decided the sanction is not applied (``overrides``: who, when, why)."""

    partner = PartnerCodeField()
    origin_partner = PartnerCodeField()
    month = MonthField(read_only=True)
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    waived = serializers.SerializerMethodField()
    overrides = OverrideSummarySerializer(source="decision_overrides", many=True, read_only=True)

    class Meta:
        model = CreditSanction
        fields = ["id", "partner", "origin_partner", "month", "grade", "code", "code_label", "action", "rule_id",
                  "issued_on", "due_on", "status", "overdue", "applied_on", "ended_on", "end_reason", "waived",
                  "overrides"]
        list_serializer_class = AttachingListSerializer

    @classmethod
    def attach(cls, rows, context) -> None:
        sanctions_attach_overrides(rows, published_only=partner_caller(context))

    def get_waived(self, obj) -> bool:
        return obj.override_in_force is not None

    def get_overdue(self, obj) -> bool:
        return obj.status == SanctionStatus.PENDING and obj.due_on < timezone.localdate()


class BlockedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    blocked_until = serializers.DateField(allow_null=True, help_text="恢复日期（不含限制）；空 = 直至解除")
    rule_ids = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class BlockedSummarySerializer(serializers.Serializer):
    partner = serializers.CharField()
    date = serializers.DateField()
    blocked = BlockedActionSerializer(many=True)
    allowed = serializers.ListField(child=serializers.CharField())


class ImportanceCategoryField(serializers.CharField):
    """A category of the ``credit_company_importance`` table (R-K-STRATEGIC); the filing service checks it against
    the rule book in force, and the schema lists that book's categories (rule-set data, so read when the schema is
    generated)."""


class ImportanceCategoryFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ImportanceCategoryField

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "maxLength": 64, "description": "规则集 credit_company_importance 中的类别"}
        if direction != "request":  # a filed category stays readable after a later rule set drops it
            return schema
        try:
            _, book = rule_book_in_force(on=timezone.localdate())
        except (NoRuleSetInForce, DatabaseError):  # no rule set (or no database) when the schema is generated
            return schema
        return {**schema, "enum": [row["category"] for row in book.rows("credit_company_importance")]}


class CompanyImportanceSerializer(LabelledModelSerializer):
    category = ImportanceCategoryField(max_length=64)
    partner = serializers.SlugRelatedField(
        slug_field="code", queryset=Partner.objects.all(), required=False,
        help_text="运营人员提交时必填；合作方提交时为调用方自身（忽略此字段）。",
    )
    authorised_by_parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Partner.objects.all(), required=False, allow_null=True,
        help_text="独家授权的母公司（合作方编码，R-K-STRATEGIC），运营人员填写；合作方提交时忽略此字段。",
    )

    class Meta:
        model = CompanyImportanceEvidence
        fields = ["id", "partner", "category", "description", "evidence", "evidence_url", "authorised_by_parent",
                  "valid_until", "channel", "status", "effective_from", "filed_at"]
        read_only_fields = ["channel", "status", "effective_from", "filed_at"]


class MajorViolationSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()

    class Meta:
        model = MajorViolation
        fields = ["id", "partner", "category", "occurred_on", "effective_on", "decision", "status",
                  "penalty_settled_on"]
