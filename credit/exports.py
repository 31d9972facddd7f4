"""Excel export of credit sanctions with the overrides in force (docs/overrides.md)."""

from core.exports import Column, Exporter, model_columns
from overrides.exports import override_columns

from .models import CreditSanction
from .selectors import sanctions_attach_overrides


class CreditSanctionExporter(Exporter):
    def prepare(self, queryset):
        return sanctions_attach_overrides(super().prepare(queryset))

    def columns(self) -> list[Column]:
        return [*model_columns(CreditSanction),
                *override_columns(lambda s: [s.override_in_force] if s.override_in_force else [])]
