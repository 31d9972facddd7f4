from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer

from .models import Restriction
from .selectors import restriction_reason


class RestrictionSerializer(LabelledModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sub_channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reason_text = serializers.SerializerMethodField()

    class Meta:
        model = Restriction
        fields = ["id", "partner", "action", "cooperation_type", "sub_channel", "province", "starts_on", "ends_on",
                  "lifted_on", "rule_id", "reason", "reason_text"]

    def get_reason_text(self, obj) -> str:
        return restriction_reason(obj)
