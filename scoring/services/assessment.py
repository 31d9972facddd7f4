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
    assessment_inputs_batches,
    rule_book_in_force,
)
from .refusals import PROTECTED_STATUSES, _partner_codes, _type_label
from .rule_sets import rule_set_mark_used


def monthly_assessment_approved(*, obj: MonthlyAssessment, actor) -> None:
    """Approval publishes the assessment and locks the rule set it was computed with (R-M-APPROVAL)."""
    rule_set_mark_used(rule_set_id=obj.rule_set_id)


# --- R-M-*: monthly assessment ------------------------------------------------------------------------------------

# results per INSERT: a result's breakdown is about a kilobyte of JSON, so a statement of BATCH of them is megabytes
# of text the driver builds at once; a quarter of that keeps the job's peak memory low at no measurable cost
WRITE_BATCH = BATCH // 4
# partner-types read, evaluated and written together (whole partners, so a batch may hold one more)
ASSESS_BATCH = BATCH

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
               fixed={"month": month}, unique=["partner", "cooperation_type", "month"], batch=WRITE_BATCH)


def _stored_assessments(*, month: dt.date, low: int | None, high: int | None) -> tuple[dict, dict[int, set[int]]]:
    """The month's stored results of partners ``low``–``high`` (either end open), locked, by partner-type, and the
    upgraded tickets each one counts."""
    stored = MonthlyAssessment.objects.select_for_update().filter(month=month)
    if low is not None:
        stored = stored.filter(partner_id__gte=low)
    if high is not None:
        stored = stored.filter(partner_id__lte=high)
    existing = {(row.partner_id, row.cooperation_type): row for row in stored}
    included: dict[int, set[int]] = {}
    if existing:
        for assessment_id, ticket_id in UpgradedComplaintInclusion.objects.filter(
            assessment_id__in=[row.pk for row in existing.values()]
        ).values_list("assessment_id", "ticket_id"):
            included.setdefault(assessment_id, set()).add(ticket_id)
    return existing, included


def _batch_write(*, month: dt.date, to_create: list, to_update: list, updated_values: list, stale: list) -> int:
    """Write one batch's results: stale ones deleted, new and changed ones upserted, and the upgraded tickets each
    counts recorded against it (R-M-UPGRADE-ONCE). Returns the number of inclusions written."""
    if stale:
        MonthlyAssessment.objects.filter(pk__in=[row.pk for row in stale]).delete()
    UpgradedComplaintInclusion.objects.filter(assessment_id__in=[row.pk for row, _ in to_update]).delete()
    _assessments_write(month=month, create=[values for values, _ in to_create],
                       update=[(row, values) for (row, _), values in zip(to_update, updated_values, strict=True)])
    counted = [*((values["key"], tickets) for values, tickets in to_create if tickets),
               *(((row.partner_id, row.cooperation_type), tickets) for row, tickets in to_update if tickets)]
    if not counted:
        return 0
    ids = dict(((partner_id, cooperation_type), pk) for pk, partner_id, cooperation_type in
               MonthlyAssessment.objects.filter(month=month, partner_id__in={key[0] for key, _ in counted})
               .values_list("pk", "partner_id", "cooperation_type"))
    inclusions = [
        UpgradedComplaintInclusion(ticket_id=ticket_pk, assessment_id=ids[key], month=month)
        for key, tickets in counted for ticket_pk in sorted(tickets)
    ]
    UpgradedComplaintInclusion.objects.bulk_create(inclusions, batch_size=BATCH)
    return len(inclusions)


@transaction.atomic
def monthly_assessment_run(
    *, month: dt.date, progress: JobProgress | None = None, actor=None, partners: tuple[int, int] | None = None
) -> dict[str, int]:
    """Assess every partner-type of the month (R-M-*), set-based, and upsert the results. ``partners`` (an
    inclusive partner-id range) limits it to those partners (a shard of the month end).

    Draft and returned results are replaced; approved or submitted results that would change make the job
    refuse (``JobRefused``) with nothing written (R-M-APPROVAL). Upgraded complaints are recorded against the
    assessment that counts them, so none is ever counted twice (R-M-UPGRADE-ONCE).

    The partner-types are read, evaluated and written in batches of whole partners (about ``ASSESS_BATCH`` each,
    ``selectors.assessment_inputs_batches``): inputs, stored results, breakdowns and the rows of the upsert are
    only ever held for one batch, so memory does not grow with the number of partner-types. A refusal is only
    known once every batch was compared; it is raised then, and the transaction takes back what the batches
    wrote.
    """
    month = month.replace(day=1)
    serialize_runs("scoring.assessment", month, shard=f"{partners[0]}-{partners[1]}" if partners else "")
    rule_set, book = rule_book_in_force(on=month)
    counts = {"assessed": 0, "created": 0, "updated": 0, "unchanged": 0, "deleted": 0,
              "upgraded_complaints_included": 0}
    # the refusal names the first 20 in the order the whole month lists them: changed inputs, then dropped rows
    refused: dict[str, list] = {"changed": [], "dropped": []}
    refused_count = 0
    done = 0
    low = partners[0] if partners else None
    for month_inputs, last in assessment_inputs_batches(month=month, partners=partners, size=ASSESS_BATCH):
        inputs = month_inputs.inputs
        counts["assessed"] += len(inputs)
        if progress:
            progress.set_total(done + len(inputs))
        # the batch covers the partner ids from just after the previous batch's up to ``last`` (the last batch up
        # to the end of the range), so every stored result of the range is compared in exactly one batch
        high = last if last is not None else (partners[1] if partners else None)
        existing, included = _stored_assessments(month=month, low=low, high=high)
        low = None if high is None else high + 1

        to_create, to_update, updated_values = [], [], []
        for key in sorted(inputs):
            values = _assessment_values(inputs[key], evaluate_assessment(inputs[key], book), rule_set)
            tickets = {pk for pk, _ in month_inputs.upgraded.get(key, [])}
            row = existing.get(key)
            if row is None:
                to_create.append(({"key": key, **values}, tickets))
            elif all(getattr(row, field) == values[field] for field in ASSESSMENT_FIELDS) and (
                included.get(row.pk, set()) == tickets
            ):
                counts["unchanged"] += 1
            elif row.status in PROTECTED_STATUSES:
                refused_count += 1
                if len(refused["changed"]) < 20:
                    refused["changed"].append((key, row, values))
            else:
                to_update.append((row, tickets))
                updated_values.append(values)
            done += 1
            if progress and (done % 1000 == 0 or done == progress.run.total):
                progress.advance(done - progress.run.done)
        stale = [row for key, row in existing.items() if key not in inputs]
        for row in stale:
            if row.status in PROTECTED_STATUSES:
                refused_count += 1
                if len(refused["dropped"]) < 20:
                    refused["dropped"].append(((row.partner_id, row.cooperation_type), row, None))
        if refused_count:
            continue  # nothing more is written: the job refuses once every batch is compared

        counts["upgraded_complaints_included"] += _batch_write(
            month=month, to_create=to_create, to_update=to_update, updated_values=updated_values, stale=stale)
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        counts["deleted"] += len(stale)

    if refused_count:
        listed = [*refused["changed"], *refused["dropped"]][:20]
        codes = _partner_codes(key[0] for key, _, _ in listed)
        lines = [
            f"{codes[key[0]]} {_type_label(key[1])}（{row.get_status_display()}，总分 {row.total}"
            + (f" → {values['total']}" if values else " → 不再考核") + "）"
            for key, row, values in listed
        ]
        more = f" 等 {refused_count} 条" if refused_count > 20 else ""
        raise JobRefused(
            f"{month:%Y-%m} 月度考核重算会改变已审批或待审批的结果，未写入任何结果：{'；'.join(lines)}{more}。"
            f"待审批的结果请先退回后再重算；已审批的结果不能覆盖。"
        )
    return counts
