"""Filters shared by every API list: partner code, month (YYYY-MM), date (YYYY-MM-DD), cooperation type."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from core.months import parse_month

#: the OpenAPI schema of a month, in query parameters and in responses: ``YYYY-MM``, not a date
MONTH_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-10"}


class MonthFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_month") from None


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    """Accepts YYYY-MM and matches a DateField holding the first day of the month."""

    field_class = MonthFormField


class PartnerCodeFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "partner__code")
        kwargs.setdefault("label", "partner (合作方编码)")
        super().__init__(*args, **kwargs)


class MonthRangeFilter(MonthFilter):
    """Accepts YYYY-MM and matches a DateField falling anywhere in that month."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        from core.months import month_end

        return qs.filter(**{f"{self.field_name}__gte": value, f"{self.field_name}__lte": month_end(value)})
