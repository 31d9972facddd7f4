import django_filters

from core.api.filters import MonthRangeFilter, PartnerCodeFilter
from core.choices import ApprovalStatus
from partners.choices import CooperationType

from .choices import ControlEventType
from .models import ControlEvent


class ControlEventFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    event_type = django_filters.ChoiceFilter(choices=ControlEventType.choices)
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)
    sub_channel = django_filters.CharFilter(field_name="sub_channel__code", label="sub_channel (子渠道编码)")
    date = django_filters.DateFilter(field_name="occurred_on", label="date (YYYY-MM-DD)")
    month = MonthRangeFilter(field_name="occurred_on", label="month (YYYY-MM)")

    class Meta:
        model = ControlEvent
        fields = ["partner", "cooperation_type", "event_type", "status", "sub_channel", "province", "date", "month"]
