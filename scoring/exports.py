"""Excel export of assessments and penalty proposals: the automatic values, the overrides in force and the
effective values (docs/overrides.md)."""

from django.utils.translation import gettext as _

from core.exports import Column, Exporter, model_columns
from overrides.exports import override_columns

from .models import MonthlyAssessment, PenaltyProposal
from .rules import fmt_duration
from .selectors import assessments_attach_overrides, proposals_attach_overrides


class AssessmentExporter(Exporter):
    def prepare(self, queryset):
        return assessments_attach_overrides(super().prepare(queryset))

    def columns(self) -> list[Column]:
        return [*model_columns(MonthlyAssessment),
                Column(_("有效总分"), lambda a: a.effective_total),
                *override_columns(lambda a: list(a.overrides_in_force.values()))]


def _measures_text(measures) -> str:
    return "；".join(f"{m['action']} {fmt_duration(m['duration'])}" for m in measures)


class PenaltyProposalExporter(Exporter):
    def prepare(self, queryset):
        return proposals_attach_overrides(super().prepare(queryset))

    def columns(self) -> list[Column]:
        return [*model_columns(PenaltyProposal),
                Column(_("有效处罚措施"), lambda p: _measures_text(p.effective_measures)),
                *override_columns(lambda p: [p.override_in_force] if p.override_in_force else [])]
