from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer

from .models import ControlEvent, ControlMeasure
from .rules import duration_text


class ControlMeasureSerializer(LabelledModelSerializer):
    rule = serializers.CharField(source="rule_id", read_only=True)
    sub_channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    duration = serializers.SerializerMethodField()

    class Meta:
        model = ControlMeasure
        fields = ["key", "kind", "rule", "scope", "action", "cooperation_type", "sub_channel", "province",
                  "starts_on", "ends_on", "duration", "warning_count", "waived", "overridden", "override_source",
                  "override_requester", "override_reason", "detail"]

    def get_duration(self, obj) -> str:
        return duration_text(obj.durations)


class ControlEventSerializer(LabelledModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sub_channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", default=None, read_only=True)
    measures = ControlMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = ControlEvent
        fields = ["id", "partner", "cooperation_type", "event_type", "sub_channel", "province", "occurred_on",
                  "measures_start_on", "reference", "status", "rule_id", "rule_set_version", "warnings_after",
                  "items", "measures"]
