import django_filters

from core.api.filters import MonthFilter, PartnerCodeFilter
from partners.choices import CooperationType

from .choices import CodeCategory, CodeKind, CodeStatus
from .models import BusinessCode, CodeApplication, CodeChangeRequest, CodeMonthlyStat, CodeRecyclingProposal


class BusinessCodeFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    cooperation_type = django_filters.ChoiceFilter(field_name="contract__cooperation_type",
                                                   choices=CooperationType.choices)
    kind = django_filters.ChoiceFilter(choices=CodeKind.choices)
    category = django_filters.ChoiceFilter(choices=CodeCategory.choices)
    status = django_filters.ChoiceFilter(choices=CodeStatus.choices)

    class Meta:
        model = BusinessCode
        fields = ["partner", "cooperation_type", "kind", "category", "status", "owner_kind"]


class CodeMonthlyStatFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="code__partner__code")
    code = django_filters.CharFilter(field_name="code__code")
    month = MonthFilter(field_name="month", label="month (YYYY-MM)")
    cooperation_type = django_filters.ChoiceFilter(field_name="code__contract__cooperation_type",
                                                   choices=CooperationType.choices)

    class Meta:
        model = CodeMonthlyStat
        fields = ["partner", "code", "month", "cooperation_type"]


class CodeApplicationFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    month = MonthFilter(field_name="batch__month", label="batch month (YYYY-MM)")
    cooperation_type = django_filters.ChoiceFilter(field_name="contract__cooperation_type",
                                                   choices=CooperationType.choices)

    class Meta:
        model = CodeApplication
        fields = ["partner", "month", "cooperation_type", "status", "stage", "application_type", "eligible", "kind"]


class CodeChangeRequestFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="code__partner__code")
    code = django_filters.CharFilter(field_name="code__code")

    class Meta:
        model = CodeChangeRequest
        fields = ["partner", "code", "status"]


class CodeRecyclingProposalFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="code__partner__code")
    code = django_filters.CharFilter(field_name="code__code")

    class Meta:
        model = CodeRecyclingProposal
        fields = ["partner", "code", "status", "trigger", "action", "trigger_key"]
