from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer
from partners.serializers import MonthField, PartnerCodeField

from .choices import CodeCategory, CodeKind
from .models import (
    BusinessCode,
    CodeApplication,
    CodeApplicationReview,
    CodeChangeRequest,
    CodeMonthlyStat,
    CodeRecyclingProposal,
)


class CodeStatInlineSerializer(LabelledModelSerializer):
    month = MonthField(read_only=True)

    class Meta:
        model = CodeMonthlyStat
        fields = ["month", "users", "orders"]


class BusinessCodeSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    cooperation_type = serializers.CharField(source="contract.cooperation_type", default=None, read_only=True,
                                             allow_null=True)
    recent_stats = serializers.SerializerMethodField(help_text="last 12 months, newest first")

    class Meta:
        model = BusinessCode
        fields = ["code", "name", "kind", "category", "partner", "contract", "cooperation_type", "cp", "price",
                  "status", "effective_date", "grant_basis", "own_channel_settlement", "attributes", "recent_stats"]

    def get_recent_stats(self, obj) -> list[dict]:
        stats = getattr(obj, "recent_stats", None)
        if stats is None:
            stats = obj.stats.order_by("-month")[:12]
        return CodeStatInlineSerializer(stats, many=True).data


class CodeMonthlyStatSerializer(LabelledModelSerializer):
    code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner = PartnerCodeField(source="code.partner")
    month = MonthField(read_only=True)

    class Meta:
        model = CodeMonthlyStat
        fields = ["id", "code", "partner", "month", "users", "orders"]


class CodeApplicationReviewSerializer(LabelledModelSerializer):
    class Meta:
        model = CodeApplicationReview
        fields = ["step", "passed", "checklist", "comment", "created_at"]


class CodeApplicationSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    batch = MonthField(source="batch.month", read_only=True)
    cooperation_type = serializers.CharField(source="contract.cooperation_type", default=None, read_only=True,
                                             allow_null=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    granted_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reviews = CodeApplicationReviewSerializer(many=True, read_only=True)

    class Meta:
        model = CodeApplication
        fields = ["id", "batch", "partner", "contract", "cooperation_type", "kind", "category", "name", "cp", "price",
                  "description", "requested_code", "applied_on", "application_type", "grant_basis", "eligible",
                  "eligibility", "rule_set_version", "stage", "status", "returned_at_step", "return_reason",
                  "granted_code", "reviews"]


class CodeApplicationCreateSerializer(serializers.Serializer):
    contract = serializers.IntegerField(help_text="id of one of the caller's contracts")
    kind = serializers.ChoiceField(choices=CodeKind.choices)
    category = serializers.ChoiceField(choices=CodeCategory.choices)
    name = serializers.CharField(max_length=200)
    cp = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    requested_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CodeChangeRequestSerializer(LabelledModelSerializer):
    code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner = PartnerCodeField(source="code.partner")

    class Meta:
        model = CodeChangeRequest
        fields = ["id", "code", "partner", "changes", "before", "reason", "status", "created_at", "approved_at"]


class CodeChangeRequestCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    cp = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    attributes = serializers.DictField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CodeRecyclingProposalSerializer(LabelledModelSerializer):
    code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partner = PartnerCodeField(source="code.partner")
    average_users = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False,
                                             read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)

    class Meta:
        model = CodeRecyclingProposal
        fields = ["id", "code", "partner", "trigger", "trigger_key", "action", "rule_id", "users", "average_users",
                  "unsubscribe_batches", "items", "status", "rule_set_version", "approved_at"]
