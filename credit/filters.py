import django_filters
from django.utils import timezone

from core.api.filters import MonthFilter, PartnerCodeFilter

from .choices import CreditGrade, MajorViolationCategory, SanctionCode, SanctionStatus
from .models import CompanyImportanceEvidence, CreditSanction, MajorViolation, MonthlyCreditScore


class CreditScoreFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    grade = django_filters.ChoiceFilter(choices=CreditGrade.choices)

    class Meta:
        model = MonthlyCreditScore
        fields = ["partner", "month", "grade", "status"]


class CreditSanctionFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    origin_partner = PartnerCodeFilter(field_name="origin_partner__code", label="origin_partner (等级所属合作方编码)")
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    grade = django_filters.ChoiceFilter(choices=CreditGrade.choices)
    code = django_filters.ChoiceFilter(choices=SanctionCode.choices)
    status = django_filters.ChoiceFilter(choices=SanctionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="overdue (逾期未执行)")

    class Meta:
        model = CreditSanction
        fields = ["partner", "origin_partner", "month", "grade", "code", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": SanctionStatus.PENDING, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class CompanyImportanceFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()

    class Meta:
        model = CompanyImportanceEvidence
        fields = ["partner", "category", "status"]


class MajorViolationFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    category = django_filters.ChoiceFilter(choices=MajorViolationCategory.choices)

    class Meta:
        model = MajorViolation
        fields = ["partner", "category", "status"]
