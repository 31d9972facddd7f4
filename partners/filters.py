import django_filters
from django.db.models import Q

from core.api.filters import MonthFilter, MonthRangeFilter, PartnerCodeFilter

from .choices import CooperationType
from .models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue, Partner, SubChannel


class PartnerFilter(django_filters.FilterSet):
    partner = django_filters.CharFilter(field_name="code", label="partner (合作方编码)")
    related_group = django_filters.CharFilter(field_name="related_group__name")

    class Meta:
        model = Partner
        fields = ["partner", "partner_class", "status", "related_group"]


class ContractFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    active_on = django_filters.DateFilter(method="filter_active_on", label="active on (YYYY-MM-DD)")

    class Meta:
        model = Contract
        fields = ["partner", "cooperation_type", "incubation"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value).filter(Q(end_date__isnull=True) | Q(end_date__gte=value))


class SubChannelFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()

    class Meta:
        model = SubChannel
        fields = ["partner", "active"]


class ComplaintFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    date = django_filters.DateFilter(field_name="received_on", label="date (YYYY-MM-DD)")
    month = MonthRangeFilter(field_name="received_on", label="month (YYYY-MM)")
    date_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    upgraded = django_filters.BooleanFilter(field_name="upgraded_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ComplaintTicket
        fields = ["partner", "cooperation_type", "date", "month", "category", "province", "handled_late",
                  "quality_failed"]


class MonthlyRevenueFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")

    class Meta:
        model = MonthlyRevenue
        fields = ["partner", "cooperation_type", "month"]


class MonthlyContributionFilter(MonthlyRevenueFilter):
    class Meta:
        model = MonthlyContribution
        fields = ["partner", "cooperation_type", "month"]
