import django_filters

from core.api.filters import MonthFilter, PartnerCodeFilter
from core.choices import ApprovalStatus
from partners.choices import CooperationType

from .choices import OverrideKind
from .models import DecisionOverride


class DecisionOverrideFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    kind = django_filters.ChoiceFilter(choices=OverrideKind.choices)
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)
    automatic_moved = django_filters.BooleanFilter(field_name="automatic_moved_at", lookup_expr="isnull",
                                                   exclude=True, label="automatic_moved (自动结果已变动)")

    class Meta:
        model = DecisionOverride
        fields = ["partner", "month", "cooperation_type", "kind", "status", "automatic_moved"]
