import django_filters

from core.api.filters import PartnerCodeFilter
from partners.choices import CooperationType

from .choices import RestrictedAction
from .models import Restriction
from .selectors import in_force_q


class RestrictionFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    action = django_filters.ChoiceFilter(choices=RestrictedAction.choices)
    date = django_filters.DateFilter(method="filter_in_force_on", label="in force on (YYYY-MM-DD)")

    class Meta:
        model = Restriction
        fields = ["partner", "cooperation_type", "action", "rule_id", "province", "date"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.filter(in_force_q(value))
