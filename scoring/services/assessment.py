"""R-M-*: the monthly assessment of every partner and cooperation type, and its approval hook."""

import datetime as dt

from django.db import transaction

from core.bulk import BATCH, raw_upsert, serialize_runs
from core.choices import ApprovalStatus
from core.jobs import JobProgress, JobRefused
from core.rulebook import money

from ..models import (
    MonthlyAssessment,
    RuleSet,
    UpgradedComplaintInclusion,
)
from ..rules import (
    AssessmentInputs,
    AssessmentResult,
    evaluate_assessment,
)
from ..selectors import (
    assessment_inputs_for_month,
    in_partner_range,
    rule_book_in_force,
)
from .refusals import PROTECTED_STATUSES, _partner_codes, _type_label
from .rule_sets import rule_set_mark_used


def monthly_assessment_approved(*, obj: MonthlyAssessment, actor) -> None:
    """Approval publishes the assessment and locks the rule set it was computed with (R-M-APPROVAL)."""
    rule_set_mark_used(rule_set_id=obj.rule_set_id)


# --- R-M-*: monthly assessment ------------------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    "revenue", "complaint_count", "health_ratio", "incubation", "revenue_score", "health_score", "bonus_score",
    "deduction_score", "late_or_quality_count", "upgraded_count", "total", "rule_set_id", "items",
]


def _assessment_values(inputs: AssessmentInputs, result: AssessmentResult, rule_set: RuleSet) -> dict:
    return {
        "revenue": money(inputs.revenue),
        "complaint_count": inputs.complaint_count,
        "health_ratio": result.health_ratio,
        "incubation": result.incubation,
        "revenue_score": money(result.revenue_score),
        "health_score": money(result.health_score),
        "bonus_score": money(result.bonus_score),
        "deduction_score": money(result.deduction_score),
        "late_or_quality_count": inputs.late_or_quality_count,
        "upgraded_count": len(inputs.upgraded_ticket_ids),
        "total": money(result.total),
        "rule_set_id": rule_set.pk,
        "items": result.items,
    }


def _assessments_write(*, month: dt.date, create: list[dict], update: list[tuple[MonthlyAssessment, dict]]) -> None:
    """New results as drafts and changed ones (draft or returned: their status and approval columns are kept)
    written from plain tuples, one ``INSERT … ON CONFLICT`` per batch (``core.bulk.raw_upsert``), no model
    instances."""
    rows = [(*values["key"], *(values[f] for f in ASSESSMENT_FIELDS), ApprovalStatus.DRAFT) for values in create]
    # a changed row keeps its status (draft or returned; the row is locked): written back as read
    rows += [(row.partner_id, row.cooperation_type, *(values[f] for f in ASSESSMENT_FIELDS), row.status)
             for row, values in update]
    raw_upsert(MonthlyAssessment, rows, fields=["partner_id", "cooperation_type", *ASSESSMENT_FIELDS, "status"],
               fixed={"month": month}, unique=["partner", "cooperation_type", "month"])


@transaction.atomic
def monthly_assessment_run(
    *, month: dt.date, progress: JobProgress | None = None, actor=None, partners: tuple[int, int] | None = None
) -> dict[str, int]:
    """Assess every partner-type of the month (R-M-*), set-based, and upsert the results. ``partners`` (an
    inclusive partner-id range) limits it to those partners (a shard of the month end).

    Draft and returned results are replaced; approved or submitted results that would change make the job
    refuse (``JobRefused``) with nothing written (R-M-APPROVAL). Upgraded complaints are recorded against the
    assessment that counts them, so none is ever counted twice (R-M-UPGRADE-ONCE).
    """
    month = month.replace(day=1)
    serialize_runs("scoring.assessment", month, shard=f"{partners[0]}-{partners[1]}" if partners else "")
    rule_set, book = rule_book_in_force(on=month)
    month_inputs = assessment_inputs_for_month(month=month, partners=partners)
    inputs = month_inputs.inputs
    if progress:
        progress.set_total(len(inputs))

    existing = {
        (row.partner_id, row.cooperation_type): row
        for row in in_partner_range(MonthlyAssessment.objects.select_for_update().filter(month=month), partners)
    }
    included: dict[int, set[int]] = {}
    for assessment_id, ticket_id in UpgradedComplaintInclusion.objects.filter(
        assessment__month=month
    ).values_list("assessment_id", "ticket_id"):
        included.setdefault(assessment_id, set()).add(ticket_id)

    refused, to_create, to_update, updated_values = [], [], [], []
    unchanged = 0
    for done, key in enumerate(sorted(inputs), start=1):
        values = _assessment_values(inputs[key], evaluate_assessment(inputs[key], book), rule_set)
        tickets = {pk for pk, _ in month_inputs.upgraded.get(key, [])}
        row = existing.get(key)
        if row is None:
            to_create.append(({"key": key, **values}, tickets))
        elif all(getattr(row, field) == values[field] for field in ASSESSMENT_FIELDS) and (
            included.get(row.pk, set()) == tickets
        ):
            unchanged += 1
        elif row.status in PROTECTED_STATUSES:
            refused.append((key, row, values))
        else:
            to_update.append((row, tickets))
            updated_values.append(values)
        if progress and (done % 1000 == 0 or done == len(inputs)):
            progress.advance(done - progress.run.done)
    stale = [row for key, row in existing.items() if key not in inputs]
    refused += [(key, row, None) for key, row in existing.items() if key not in inputs and row.status in
                PROTECTED_STATUSES]
    if refused:
        codes = _partner_codes(key[0] for key, _, _ in refused)
        lines = [
            f"{codes[key[0]]} {_type_label(key[1])}（{row.get_status_display()}，总分 {row.total}"
            + (f" → {values['total']}" if values else " → 不再考核") + "）"
            for key, row, values in refused[:20]
        ]
        more = f" 等 {len(refused)} 条" if len(refused) > 20 else ""
        raise JobRefused(
            f"{month:%Y-%m} 月度考核重算会改变已审批或待审批的结果，未写入任何结果：{'；'.join(lines)}{more}。"
            f"待审批的结果请先退回后再重算；已审批的结果不能覆盖。"
        )

    if stale:
        MonthlyAssessment.objects.filter(pk__in=[row.pk for row in stale]).delete()
    changed_ids = [row.pk for row, _ in to_update]
    UpgradedComplaintInclusion.objects.filter(assessment_id__in=changed_ids).delete()
    _assessments_write(month=month, create=[values for values, _ in to_create],
                       update=[(row, values) for (row, _), values in zip(to_update, updated_values, strict=True)])
    ids = dict(((partner_id, cooperation_type), pk) for pk, partner_id, cooperation_type in in_partner_range(
        MonthlyAssessment.objects.filter(month=month), partners).values_list("pk", "partner_id", "cooperation_type"))
    inclusions = [
        UpgradedComplaintInclusion(ticket_id=ticket_pk, assessment_id=ids[key], month=month)
        for key, tickets in [*((values["key"], tickets) for values, tickets in to_create),
                             *(((row.partner_id, row.cooperation_type), tickets) for row, tickets in to_update)]
        for ticket_pk in sorted(tickets)
    ]
    UpgradedComplaintInclusion.objects.bulk_create(inclusions, batch_size=BATCH)
    return {
        "assessed": len(inputs),
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "deleted": len(stale),
        "upgraded_complaints_included": len(inclusions),
    }
