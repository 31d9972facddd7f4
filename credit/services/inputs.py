"""What staff and partners put into the score: company-importance evidence (R-K-STRATEGIC) and manual item scores
(R-K-COMPOSE base items)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.months import add_months
from partners.models import Contract, Partner
from scoring.selectors import rule_book_in_force

from ..choices import EvidenceChannel
from ..models import CompanyImportanceEvidence, ManualItemScore, MonthlyCreditScore
from ..rules import item_type_for

# --- company importance evidence (R-K-STRATEGIC) -----------------------------------------------------------------

def importance_categories(*, on: dt.date) -> dict[str, str]:
    _, book = rule_book_in_force(on=on)
    return {row["category"]: row["name"] for row in book.rows("credit_company_importance")}


def company_importance_authorisation_problems(*, evidence: CompanyImportanceEvidence,
                                               on: dt.date | None = None) -> list[str]:
    """Why a parent's authorisation of ``evidence.partner`` is refused (R-K-STRATEGIC), empty when it stands.

    The parent is a partner record; it may not cooperate itself (the rule set's cooperation types, contracts in force
    on ``on``), and authorises at most ``credit_parent_max_authorised_subsidiaries`` (独家: one) subsidiary —
    counting the other subsidiaries whose authorisation by it is approved and still valid.
    """
    parent_id = evidence.authorised_by_parent_id
    if parent_id is None:
        return []
    on = on or timezone.localdate()
    _, book = rule_book_in_force(on=on)
    rule_id = book.rule_id("credit_parent_max_authorised_subsidiaries")
    if parent_id == evidence.partner_id:
        return [f"{rule_id}：授权母公司不能是合作方自身"]
    problems = []
    parent = Partner.objects.get(pk=parent_id)
    own_types = book.items("credit_parent_own_cooperation_types")
    own = (Contract.objects.filter(partner_id=parent_id, cooperation_type__in=own_types, start_date__lte=on)
           .filter(Q(end_date__isnull=True) | Q(end_date__gte=on)).order_by("start_date").first())
    # the messages may reach a partner: they name no other partner and none of the parent's contract details
    if own is not None:
        problems.append(f"{rule_id}：母公司 {parent.code} 自身与咪咕音乐开展{own.get_cooperation_type_display()}合作，"
                        f"不能授权子公司获得公司重要性加分")
    authorised = (CompanyImportanceEvidence.objects.filter(authorised_by_parent_id=parent_id,
                                                          status=ApprovalStatus.APPROVED)
                  .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
                  .exclude(partner_id=evidence.partner_id).exclude(pk=evidence.pk)
                  .values_list("partner_id", flat=True).distinct())
    limit = book.integer("credit_parent_max_authorised_subsidiaries")
    if len(authorised) >= limit:
        problems.append(f"{rule_id}：母公司 {parent.code} 已独家授权另一家控股子公司，只能授权 {limit} 家")
    return problems


@transaction.atomic
def company_importance_file(
    *, partner: Partner, category: str, description: str, evidence: str, channel: str, actor=None,
    evidence_url: str = "", authorised_by_parent: Partner | None = None, valid_until: dt.date | None = None,
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
    problems = company_importance_authorisation_problems(evidence=record)
    if problems:
        raise ValidationError({"authorised_by_parent": problems})
    record.save()
    audit_record(obj=record, action="company_importance_file", actor=actor, rule_id="R-K-STRATEGIC",
                 to_status=record.status, reason=description)
    return record


def company_importance_approval_problems(*, obj: CompanyImportanceEvidence, action: str) -> list[str]:
    """The expansion centre's review minutes are recorded before approval, and a parent's authorisation still
    stands at approval (R-K-STRATEGIC)."""
    if action != "approve":
        return []
    problems = company_importance_authorisation_problems(evidence=obj)
    if not obj.review_minutes.strip():
        problems.insert(0, "拓展中心评审须记录会议纪要后才能审批通过（R-K-STRATEGIC）。")
    return problems


def company_importance_effective_month(*, partner_id: int, approved_on: dt.date) -> dt.date:
    """The latest month whose credit score is not yet issued when the evidence is approved (R-K-STRATEGIC:
    在最近月份的信用积分中生效，不追溯之前已出具积分的月份).

    A month's score is computed after the month ends, so the month of approval is the latest month and normally
    not issued: approved on 2026-10-20, the evidence counts in October's score (computed in November). It never
    counts in a month whose score was already issued (approved) for the partner; such months are skipped.
    """
    month = approved_on.replace(day=1)
    issued = set(MonthlyCreditScore.objects.filter(partner_id=partner_id, month__gte=month,
                                                   status=ApprovalStatus.APPROVED).values_list("month", flat=True))
    while month in issued:
        month = add_months(month, 1)
    return month


def company_importance_approved(*, obj: CompanyImportanceEvidence, actor) -> None:
    """Counts from the latest month not yet issued, never retroactively (R-K-STRATEGIC)."""
    approved_on = timezone.localdate(obj.approved_at) if obj.approved_at else timezone.localdate()
    obj.effective_from = company_importance_effective_month(partner_id=obj.partner_id, approved_on=approved_on)
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
