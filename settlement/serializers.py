from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer
from partners.serializers import MonthField

from .models import SettlementStatement

MONEY = {"max_digits": 18, "decimal_places": 2, "read_only": True}


class SettlementStatementSerializer(LabelledModelSerializer):
    """CONTRACT.md §3 settlements: money as decimal strings in 元, month as YYYY-MM, warning_factor a number."""

    partner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = MonthField(read_only=True)
    contract = serializers.IntegerField(source="contract_id", read_only=True)
    warning_factor = serializers.SerializerMethodField()
    deductions = serializers.DecimalField(**MONEY)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)

    class Meta:
        model = SettlementStatement
        fields = ["id", "partner", "contract", "cooperation_type", "month", "revenue", "revenue_share", "payable",
                  "warning_level", "warning_factor", "settled", "deductions", "extra_deductions", "write_downs",
                  "adjustments", "brought_forward", "offsets", "released", "held_balance", "stopped_amount",
                  "amount_due", "carried_forward", "on_hold", "stopped", "status", "rule_set_version", "items"]

    def get_warning_factor(self, obj) -> float:
        return float(obj.warning_factor)
