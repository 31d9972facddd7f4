"""Filters shared by every API list: partner code, month (YYYY-MM), date (YYYY-MM-DD), cooperation type."""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

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
            # the reason quotes the value, which may hold "%": pass it as a parameter, never as the format string
            raise forms.ValidationError("%(reason)s", code="invalid_month", params={"reason": str(exc)}) from None


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    """Accepts YYYY-MM and matches a DateField holding the first day of the month."""

    field_class = MonthFormField


class _BoundedNumberFilter(django_filters.NumberFilter):
    """A number between ``minimum`` and ``maximum`` (anything else is a 400, never a database overflow)."""

    minimum: int | Decimal
    maximum: int | Decimal

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.minimum)
        kwargs.setdefault("max_value", self.maximum)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(_BoundedNumberFilter):
    """A calendar year, 1–9999 (never a date overflow)."""

    field_class = forms.IntegerField
    minimum, maximum = 1, 9999


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 36500})
class DaysFilter(_BoundedNumberFilter):
    """A number of days, 0–36500 (never a date overflow)."""

    field_class = forms.IntegerField
    minimum, maximum = 0, 36500


@extend_schema_field({"type": "number", "minimum": -99999.99, "maximum": 99999.99})
class ScoreFilter(_BoundedNumberFilter):
    """A score bound (up to 2 decimals, as scores are stored)."""

    minimum, maximum = Decimal("-99999.99"), Decimal("99999.99")


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


class StrictQueryFilterBackend(DjangoFilterBackend):
    """django-filter's backend that also refuses a query parameter the endpoint does not know (400 naming it),
    rather than ignoring it: a misspelt filter must not silently return everything.

    Known: the filter set's fields, the paging parameters, DRF's ``format`` and a view's own
    ``extra_query_params`` (parameters it reads itself, documented with ``extend_schema``).
    """

    def filter_queryset(self, request, queryset, view):
        known = {"format", *getattr(view, "extra_query_params", ())}
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            known |= {getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None)}
        filterset_class = self.get_filterset_class(view, queryset)
        filter_names = set()
        if filterset_class is not None:
            filter_names = set(filterset_class.base_filters)
            filter_names |= {extra for name, f in filterset_class.base_filters.items()
                             for extra in _widget_names(name, f)}
        unknown = sorted(set(request.query_params) - known - filter_names)
        if unknown:
            raise ValidationError({name: ["未知的查询参数"] for name in unknown})
        if not filter_names & set(request.query_params):
            # No filter asked for: every filter would see an empty value and leave the rows as they are (no filter
            # set here filters without a value), so skip building the filter set and its form on each request.
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        malformed = sorted(name for name, f in filterset.filters.items()
                           if isinstance(f, django_filters.BooleanFilter) and name in request.query_params
                           and request.query_params[name].lower() not in BOOLEAN_SPELLINGS)
        if malformed:
            raise ValidationError({name: ["应为 true 或 false"] for name in malformed})
        empty_choices = sorted(name for name, f in filterset.filters.items()
                               if isinstance(f, django_filters.ChoiceFilter) and request.query_params.get(name) == "")
        if empty_choices:  # an empty choice is none of the documented values (omit the parameter to not filter)
            raise ValidationError({name: ["不能为空"] for name in empty_choices})
        if not filterset.is_valid():
            if _only_unknown_objects(filterset, request.query_params):
                return queryset.none()  # filtering by an object that does not exist: no rows, not an error
            raise translate_validation(filterset.errors)
        return filterset.qs


#: what a boolean filter accepts (anything else is a 400, not a silently ignored filter)
BOOLEAN_SPELLINGS = {"true", "false", "1", "0"}


def _only_unknown_objects(filterset, query_params) -> bool:
    """Every error is a well-formed id (a whole number for a numeric key) naming no object, on an object filter."""
    for name, errors in filterset.form.errors.items():
        filter_ = filterset.filters.get(name)
        if not isinstance(filter_, django_filters.ModelChoiceFilter):
            return False
        if any(error.code != "invalid_choice" for error in errors.as_data()):
            return False
        pk = filter_.queryset.model._meta.pk if filter_.queryset is not None else None
        numeric = isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField)
        if numeric and not re.fullmatch(r"-?[0-9]+", query_params.get(name, "")):
            return False
    return True


def _widget_names(name: str, filter_) -> list[str]:
    """Query names a range-style filter reads besides its own name (``<name>_min``, ``<name>_after`` …)."""
    suffixes = getattr(getattr(filter_.field_class, "widget", None), "suffixes", None)
    return [f"{name}_{suffix}" for suffix in suffixes or () if suffix]
