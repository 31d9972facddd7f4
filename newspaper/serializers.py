"""API shapes of the mobile-newspaper app: partner as its code, scores as numbers, money as decimal strings."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import ItemSerializer, LabelledModelSerializer, ScoreField
from partners.serializers import PartnerCodeField
from scoring.selectors import rule_book_in_force_or_oldest

from . import rules
from .models import (
    Breach,
    LaunchStep,
    NewspaperProduct,
    OperatingScore,
    ProductTest,
    QualificationDocument,
    TesterScore,
)


class LaunchStepSerializer(LabelledModelSerializer):
    done_by = serializers.CharField(source="done_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = LaunchStep
        fields = ["launch_round", "stage", "done_on", "done_by", "document", "note", "rule_id"]


class NewspaperProductSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    in_catalogue = serializers.BooleanField(read_only=True)
    launch_steps = LaunchStepSerializer(many=True, read_only=True)

    class Meta:
        model = NewspaperProduct
        fields = ["id", "partner", "name", "editing_mode", "category", "scope", "delivery_format", "frequency",
                  "suggested_price", "status", "launch_stage", "launch_round", "proposed_on", "listed_on",
                  "rejected_on", "reapply_from", "warned_on", "exited_on", "in_catalogue", "launch_steps"]


class CatalogueEntrySerializer(LabelledModelSerializer):
    partner = PartnerCodeField()

    class Meta:
        model = NewspaperProduct
        fields = ["id", "partner", "name", "editing_mode", "category", "delivery_format", "frequency",
                  "suggested_price", "status", "listed_on"]


class ExpirySerializer(serializers.Serializer):
    expired = serializers.BooleanField()
    days_left = serializers.IntegerField()
    warning_days = serializers.IntegerField(allow_null=True,
                                            help_text="到期预警档位（如 30/60/90 天内到期），无预警为 null")


class QualificationDocumentSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    expiry = serializers.SerializerMethodField()

    class Meta:
        model = QualificationDocument
        fields = ["id", "partner", "kind", "issuer", "number", "scope", "category", "held_by_parent", "holder_name",
                  "authorising_media", "valid_from", "valid_to", "expiry"]

    @extend_schema_field(ExpirySerializer)
    def get_expiry(self, obj) -> dict:
        today = timezone.localdate()
        # one rule-book look-up per response, not per document (the list's query count stays constant)
        books = self.context.setdefault("rule_books_on", {})
        if today not in books:
            books[today] = rule_book_in_force_or_oldest(on=today)[1]
        book = books[today]
        days_left = (obj.valid_to - today).days
        return {"expired": days_left < 0, "days_left": days_left,
                "warning_days": rules.expiry_warning_days(valid_to=obj.valid_to, on=today, book=book)}


class TesterScoreSerializer(LabelledModelSerializer):
    score = ScoreField(allow_null=True)

    class Meta:
        model = TesterScore
        fields = ["tester", "score", "scored_on", "late", "counted", "comment"]


class ProductTestSerializer(LabelledModelSerializer):
    partner = PartnerCodeField(source="product.partner")
    product_name = serializers.CharField(source="product.name", read_only=True)
    average = ScoreField(allow_null=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    scores = TesterScoreSerializer(many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = ProductTest
        fields = ["id", "partner", "product", "product_name", "launch_round", "start_date", "end_date",
                  "scores_due_on", "summary_due_on", "summary_on", "summary_late", "average", "counted_scores",
                  "decision", "status", "rule_set_version", "scores", "items"]


class BreachSerializer(LabelledModelSerializer):
    partner = PartnerCodeField(source="product.partner")
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = Breach
        fields = ["id", "partner", "product", "product_name", "breach_class", "occurred_on", "description",
                  "evidence", "found_by", "status"]


class OperatingScoreSerializer(LabelledModelSerializer):
    partner = PartnerCodeField(source="product.partner")
    product_name = serializers.CharField(source="product.name", read_only=True)
    initial = ScoreField()
    deductions = ScoreField()
    score = ScoreField()
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = OperatingScore
        fields = ["id", "partner", "product", "product_name", "year", "initial", "deductions", "score",
                  "rule_set_version", "items"]
