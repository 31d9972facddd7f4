"""FilterSets for the scoring results: partner code, month (YYYY-MM), date, cooperation type and more."""

import django_filters

from core.api.filters import MonthFilter, MonthRangeFilter, PartnerCodeFilter, ScoreFilter
from core.choices import ApprovalStatus
from partners.choices import CooperationType, PartnerClass

from .choices import WarningLevel
from .models import DailyNotification, MonthlyAssessment, MonthlyWarning, PenaltyProposal


class NotificationFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    date = django_filters.DateFilter(field_name="date", label="date (YYYY-MM-DD)")
    month = MonthRangeFilter(field_name="date", label="month (YYYY-MM)")

    class Meta:
        model = DailyNotification
        fields = ["partner", "cooperation_type", "date", "month"]


class WarningFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    level = django_filters.ChoiceFilter(choices=WarningLevel.choices)
    min_level = django_filters.NumberFilter(field_name="level", lookup_expr="gte")

    class Meta:
        model = MonthlyWarning
        fields = ["partner", "cooperation_type", "month", "level", "min_level"]


class AssessmentFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)
    partner_class = django_filters.ChoiceFilter(field_name="partner__partner_class", choices=PartnerClass.choices)
    min_total = ScoreFilter(field_name="total", lookup_expr="gte")
    max_total = ScoreFilter(field_name="total", lookup_expr="lte")

    class Meta:
        model = MonthlyAssessment
        fields = ["partner", "cooperation_type", "month", "status", "partner_class", "incubation", "min_total",
                  "max_total"]


class PenaltyProposalFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(choices=CooperationType.choices)
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)
    level = django_filters.ChoiceFilter(choices=WarningLevel.choices[1:])
    superseded = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull", exclude=True)

    class Meta:
        model = PenaltyProposal
        fields = ["partner", "cooperation_type", "month", "status", "level", "superseded"]
