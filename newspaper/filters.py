import datetime as dt

import django_filters
from django.utils import timezone

from core.api.filters import DaysFilter, PartnerCodeFilter, YearFilter

from .choices import BreachClass, ContentCategory, DocumentKind, ProductStatus, ProductTestDecision
from .models import Breach, NewspaperProduct, OperatingScore, ProductTest, QualificationDocument


class NewspaperProductFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices)
    category = django_filters.ChoiceFilter(choices=ContentCategory.choices)

    class Meta:
        model = NewspaperProduct
        fields = ["partner", "status", "category", "editing_mode", "scope", "launch_stage"]


class CatalogueFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    category = django_filters.ChoiceFilter(choices=ContentCategory.choices)

    class Meta:
        model = NewspaperProduct
        fields = ["partner", "category", "editing_mode", "delivery_format"]


class QualificationDocumentFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter()
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    expiring_within = DaysFilter(method="filter_expiring_within",
                                                  label="expiring_within (天内到期，未过期)")
    expired = django_filters.BooleanFilter(method="filter_expired", label="expired (已过期)")

    class Meta:
        model = QualificationDocument
        fields = ["partner", "kind", "expiring_within", "expired"]

    def filter_expiring_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=int(value)))

    def filter_expired(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(valid_to__lt=today) if value else queryset.filter(valid_to__gte=today)


class ProductTestFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="product__partner__code")
    decision = django_filters.ChoiceFilter(choices=ProductTestDecision.choices)

    class Meta:
        model = ProductTest
        fields = ["partner", "product", "decision"]


class BreachFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="product__partner__code")
    breach_class = django_filters.ChoiceFilter(choices=BreachClass.choices)
    year = YearFilter(field_name="occurred_on", lookup_expr="year")

    class Meta:
        model = Breach
        fields = ["partner", "product", "breach_class", "year"]


class OperatingScoreFilter(django_filters.FilterSet):
    partner = PartnerCodeFilter(field_name="product__partner__code")
    year = YearFilter()

    class Meta:
        model = OperatingScore
        fields = ["partner", "product", "year"]
