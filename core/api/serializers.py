"""Readable API results: every coded value (a model field with choices) gets ``<field>_display`` beside it,
its label in the request's language. Contract shapes are only extended (CONTRACT.md §3)."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers


class ChoiceLabelField(serializers.CharField):
    """The label of a stored choice code (read only)."""

    def __init__(self, *, choices, **kwargs):
        self.labels = dict(choices)
        self.resolved: dict = {}
        kwargs["read_only"] = True
        kwargs.setdefault("help_text", "中文名称（随 Accept-Language）")
        super().__init__(**kwargs)

    def to_representation(self, value):
        # A field lives for one request (DRF builds the fields per serializer), so one language: translate each
        # label once, not once per row of a 500-row page.
        try:
            return self.resolved[value]
        except KeyError:
            label = self.resolved[value] = str(self.labels.get(value, value))
            return label


def _model_field(model, source: str) -> models.Field | None:
    """The model field a dotted source ends on (following foreign keys), or None."""
    field = None
    for part in source.split("."):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model if field.is_relation else None
    return field


class ChoiceLabelsMixin:
    """ModelSerializer mixin: add ``<name>_display`` right after every field whose value is a choice code."""

    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is None:
            return fields
        result = {}
        for name, field in fields.items():
            result[name] = field
            label_name = f"{name}_display"
            if label_name in fields or isinstance(field, serializers.BaseSerializer | serializers.RelatedField):
                continue
            source = field.source if field.source and field.source != "*" else name
            model_field = _model_field(model, source)
            if model_field is not None and getattr(model_field, "choices", None) and not model_field.is_relation:
                result[label_name] = ChoiceLabelField(source=source, choices=model_field.choices)
        return result


class LabelledModelSerializer(ChoiceLabelsMixin, serializers.ModelSerializer):
    """The ModelSerializer of the API: choice codes come with their labels."""


class ScoreField(serializers.DecimalField):
    """A score as a JSON number with up to 2 decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", False)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class ItemSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="RULES.md 规则编号")
    points = serializers.FloatField()
    detail = serializers.CharField()


class AttachingListSerializer(serializers.ListSerializer):
    """A list whose rows get extra attributes loaded for the whole page at once (e.g. the overrides of each
    decision): the child serializer's ``attach(rows, context)`` runs once before the rows are written."""

    def to_representation(self, data):
        rows = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        self.child.attach(rows, self.context)
        return [self.child.to_representation(row) for row in rows]


class AttachMixin:
    """Serializer mixin for ``AttachingListSerializer``: ``attach`` also runs for a single row (detail views)."""

    attached_attribute = "decision_overrides"

    @classmethod
    def attach(cls, rows, context) -> None:
        raise NotImplementedError

    def to_representation(self, instance):
        if not hasattr(instance, self.attached_attribute):
            self.attach([instance], self.context)
        return super().to_representation(instance)


def partner_caller(context) -> bool:
    """Whether the request of a serializer's context comes from a partner login (they see published rows only)."""
    from .permissions import is_staff_user

    request = context.get("request") if context else None
    return request is not None and not is_staff_user(request.user)
