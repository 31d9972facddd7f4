import django_filters

from core.api.filters import MonthFilter, PartnerCodeFilter
from core.choices import ApprovalStatus
from partners.choices import CooperationType

from .models import SettlementStatement


class SettlementStatementFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)

    class Meta:
        model = SettlementStatement
        fields = ["partner", "cooperation_type", "month", "status", "on_hold", "stopped"]
