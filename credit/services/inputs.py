"""What staff and partners put into the score: company-importance evidence (R-K-STRATEGIC) and manual item scores
(R-K-COMPOSE base items)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.months import add_months
from partners.models import Partner
from scoring.selectors import rule_book_in_force

from ..choices import EvidenceChannel
from ..models import CompanyImportanceEvidence, ManualItemScore
from ..rules import item_type_for

# --- company importance evidence (R-K-STRATEGIC) -----------------------------------------------------------------

def importance_categories(*, on: dt.date) -> dict[str, str]:
    _, book = rule_book_in_force(on=on)
    return {row["category"]: row["name"] for row in book.rows("credit_company_importance")}


@transaction.atomic
def company_importance_file(
    *, partner: Partner, category: str, description: str, evidence: str, channel: str, actor=None,
    evidence_url: str = "", authorised_by_parent: str = "", valid_until: dt.date | None = None,
) -> CompanyImportanceEvidence:
    categories = importance_categories(on=timezone.localdate())
    if category not in categories:
        raise ValidationError({"category": f"类别须为 {', '.join(categories)} 之一，得到 '{category}'"})
    if channel not in EvidenceChannel.values:
        raise ValidationError({"channel": f"提交方式须为 {', '.join(EvidenceChannel.values)} 之一"})
    record = CompanyImportanceEvidence(
        partner=partner, category=category, description=description, evidence=evidence, evidence_url=evidence_url,
        authorised_by_parent=authorised_by_parent, channel=channel, valid_until=valid_until,
        filed_by=actor if getattr(actor, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    audit_record(obj=record, action="company_importance_file", actor=actor, rule_id="R-K-STRATEGIC",
                 to_status=record.status, reason=description)
    return record


def company_importance_approval_problems(*, obj: CompanyImportanceEvidence, action: str) -> list[str]:
    """The expansion centre's review minutes are recorded before approval (R-K-STRATEGIC)."""
    if action == "approve" and not obj.review_minutes.strip():
        return ["拓展中心评审须记录会议纪要后才能审批通过（R-K-STRATEGIC）。"]
    return []


def company_importance_approved(*, obj: CompanyImportanceEvidence, actor) -> None:
    """Counts from the first day of the month after approval, never retroactively (R-K-STRATEGIC)."""
    approved_on = timezone.localdate(obj.approved_at) if obj.approved_at else timezone.localdate()
    obj.effective_from = add_months(approved_on.replace(day=1), 1)
    if obj.category not in importance_categories(on=obj.effective_from):
        raise ValidationError({"category": f"类别 '{obj.category}' 不在生效月份的规则集中"})
    obj.save(update_fields=["effective_from"])


@transaction.atomic
def company_importance_review(
    *, evidence: CompanyImportanceEvidence, actor, minutes: str, note: str = ""
) -> CompanyImportanceEvidence:
    """The expansion centre's review: record the minutes, then approve through the one approval workflow."""
    from core.approval import approval_approve

    if not minutes.strip():
        raise ValidationError({"review_minutes": "须填写评审会议纪要"})
    CompanyImportanceEvidence.objects.filter(pk=evidence.pk).update(review_minutes=minutes)
    evidence.refresh_from_db()
    return approval_approve(obj=evidence, actor=actor, note=note or minutes)


# --- staff-entered item scores (R-K-COMPOSE base items) ----------------------------------------------------------

def manual_item_keys(*, month: dt.date) -> list[str]:
    """Configured items of the month's rule set that staff enter (no evaluator computes them)."""
    _, book = rule_book_in_force(on=month)
    return [row["item"] for row in book.rows("credit_items") if not item_type_for(row["item"]).computed]


@transaction.atomic
def manual_item_score_set(
    *, partner: Partner, month: dt.date, item: str, points: Decimal, note: str = "", actor=None
) -> ManualItemScore:
    if month.day != 1:
        raise ValidationError({"month": f"月份须为当月第一天，得到 {month}"})
    keys = manual_item_keys(month=month)
    if item not in keys:
        raise ValidationError({"item": f"'{item}' 不是 {month:%Y-%m} 规则集中需人工录入的项目（{', '.join(keys)}）"})
    points = Decimal(str(points))
    if not Decimal("0") <= points <= Decimal("100"):
        raise ValidationError({"points": f"得分须在 0–100 之间，得到 {points}"})
    record, created = ManualItemScore.objects.update_or_create(
        partner=partner, month=month, item=item,
        defaults={"points": points, "note": note, "entered_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(obj=record, action="manual_item_score_set", actor=actor, rule_id="R-K-COMPOSE",
                 reason=note, data={"points": str(points), "created": created})
    return record
