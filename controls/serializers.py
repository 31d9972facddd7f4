from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer

from .models import ControlEvent, ControlMeasure
from .rules import duration_text


class ControlMeasureSerializer(LabelledModelSerializer):
    rule = serializers.CharField(source="rule_id", read_only=True)
    sub_channel = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    duration = serializers.SerializerMethodField()
    overridden_by = serializers.CharField(source="overridden_by.username", default=None, read_only=True,
                                          allow_null=True)
    override_status = serializers.SerializerMethodField()

    class Meta:
        model = ControlMeasure
        fields = ["key", "kind", "rule", "scope", "action", "cooperation_type", "sub_channel", "province",
                  "starts_on", "ends_on", "duration", "warning_count", "waived", "overridden", "override_source",
                  "override_requester", "override_reason", "detail", "proposed", "overridden_by", "overridden_at",
                  "automatic_moved_at", "override_status"]
        # ``proposed``: the rule's own (automatic) result; the other fields are the effective measure; an override
        # is approved with its event (department head, R-D-APPROVAL): ``override_status`` is the event's status

    def get_duration(self, obj) -> str:
        return duration_text(obj.durations)

    def get_override_status(self, obj) -> str | None:
        return obj.event.status if obj.overridden else None


class ControlEventSerializer(LabelledModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sub_channel = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", default=None, read_only=True,
                                                allow_null=True)
    measures = ControlMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = ControlEvent
        fields = ["id", "partner", "cooperation_type", "event_type", "sub_channel", "province", "occurred_on",
                  "measures_start_on", "reference", "status", "rule_id", "rule_set_version", "warnings_after",
                  "items", "measures"]
