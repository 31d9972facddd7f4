from rest_framework import serializers

from core.api.serializers import LabelledModelSerializer

from .models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue, Partner, SubChannel


class PartnerSerializer(LabelledModelSerializer):
    related_group = serializers.CharField(source="related_group.name", default=None, read_only=True)

    class Meta:
        model = Partner
        fields = ["code", "name", "partner_class", "related_group", "status", "reentry_banned_until"]


class PartnerCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class ContractSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()

    class Meta:
        model = Contract
        fields = ["id", "partner", "cooperation_type", "start_date", "end_date", "revenue_share", "incubation",
                  "incubation_basis"]


class SubChannelSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()

    class Meta:
        model = SubChannel
        fields = ["code", "name", "partner", "active"]


class ComplaintSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()

    class Meta:
        model = ComplaintTicket
        fields = ["ticket_id", "partner", "cooperation_type", "received_on", "province", "category", "handled_late",
                  "quality_failed", "upgraded_on"]


class MonthField(serializers.DateField):
    def to_representation(self, value):
        return f"{value:%Y-%m}" if value else None


class MonthlyRevenueSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = MonthlyRevenue
        fields = ["id", "partner", "cooperation_type", "month", "phone_bill", "third_party", "cash", "total"]


class MonthlyContributionSerializer(LabelledModelSerializer):
    partner = PartnerCodeField()
    month = MonthField(read_only=True)

    class Meta:
        model = MonthlyContribution
        fields = ["id", "partner", "cooperation_type", "month", "marketing_resources",
                  "marketing_includes_client_promotion", "cash_contribution", "ad_sales", "active_users",
                  "product_purchases", "ads_placed"]
