"""Breaches and the yearly operating score with its warning / exit proposals (R-N-VIOLATION, R-N-SCORE)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.rulebook import breakdown_item, fmt_points, points_value
from scoring.selectors import rule_book_in_force_or_oldest
from scoring.services import rule_set_mark_used

from .. import rules
from ..choices import (
    CATALOGUE_STATUSES,
    ProductStatus,
    ScoreActionKind,
)
from ..models import (
    Breach,
    NewspaperProduct,
    OperatingScore,
    ScoreAction,
)
from .launch import _today


@transaction.atomic
def breach_record(*, product: NewspaperProduct, breach_class: int, occurred_on: dt.date, description: str,
                  evidence: str, found_by: str, actor=None) -> Breach:
    if product.listed_on is None:
        raise ValidationError({"product": ["产品尚未上线，不能登记违约（R-N-VIOLATION）"]})
    if occurred_on < product.listed_on:
        raise ValidationError({"occurred_on": [f"发生日期早于产品上线日期 {product.listed_on:%Y-%m-%d}"]})
    _, book = rule_book_in_force_or_oldest(on=occurred_on)
    classes = sorted(int(row["breach_class"]) for row in book.rows("newspaper_breach_classes"))
    if int(breach_class) not in classes:
        raise ValidationError({"breach_class": [f"违约类别须为规则集 newspaper_breach_classes 中的 "
                                                f"{'、'.join(map(str, classes))} 之一（R-N-VIOLATION）"]})
    breach = Breach.objects.create(product=product, breach_class=int(breach_class), occurred_on=occurred_on,
                                   description=description, evidence=evidence, found_by=found_by,
                                   recorded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(obj=breach, action="newspaper_breach_record", actor=actor, rule_id="R-N-VIOLATION")
    return breach


def breach_approval_problems(*, obj: Breach, action: str) -> list[str]:
    if action in ("submit", "approve") and not obj.evidence.strip():
        return ["违约须附证据材料（R-N-VIOLATION）"]
    return []


def breach_approved(*, obj: Breach, actor) -> None:
    operating_score_compute(product=obj.product, year=obj.occurred_on.year, actor=actor)


def _score_book_date(year: int) -> dt.date:
    return min(max(_today(), dt.date(year, 1, 1)), dt.date(year, 12, 31))


@transaction.atomic
def operating_score_compute(*, product: NewspaperProduct, year: int, actor=None) -> OperatingScore | None:
    """The product's operating score for ``year`` from the approved breaches of that year (R-N-SCORE); earlier
    years since listing are computed first, since each year starts from the last year-end score. A score below a
    threshold proposes a warning or an exit for approval (once per product, year and kind)."""
    if product.listed_on is None or year < product.listed_on.year:
        return None
    previous = None
    if year > product.listed_on.year:
        previous = (OperatingScore.objects.filter(product=product, year=year - 1).first()
                    or operating_score_compute(product=product, year=year - 1, actor=actor))
    rule_set, book = rule_book_in_force_or_oldest(on=_score_book_date(year))
    breaches = [rules.BreachFacts(id=b.pk, breach_class=b.breach_class, occurred_on=b.occurred_on)
                for b in product.breaches.filter(status=ApprovalStatus.APPROVED, occurred_on__year=year)]
    result = rules.evaluate_operating_score(previous_year_end=previous.score if previous else None,
                                            breaches=breaches, book=book)
    score, _ = OperatingScore.objects.update_or_create(
        product=product, year=year,
        defaults={"initial": result.initial, "deductions": result.deductions, "score": result.score,
                  "rule_set": rule_set, "items": result.items},
    )
    _propose_score_action(product=product, score=score, book=book, actor=actor)
    return score


def _propose_score_action(*, product: NewspaperProduct, score: OperatingScore, book, actor) -> None:
    kind, threshold = rules.score_action_for(score=score.score, book=book)
    if kind is None or product.status not in CATALOGUE_STATUSES:
        return
    existing = set(ScoreAction.objects.filter(product=product, year=score.year).values_list("kind", flat=True))
    if kind in existing or (kind == ScoreActionKind.WARNING and ScoreActionKind.EXIT in existing):
        return
    if kind == ScoreActionKind.WARNING and product.status == ProductStatus.WARNED:
        return
    rule = book.rule_id("newspaper_score_thresholds")
    label = ScoreActionKind(kind).label
    action = ScoreAction.objects.create(
        product=product, year=score.year, kind=kind, score=score.score, threshold=threshold,
        proposed_on=_today(), rule_set=score.rule_set,
        items=[*score.items, breakdown_item(rule, points_value(score.score), f"运营分 {fmt_points(score.score)} 低于 "
                                                           f"{fmt_points(threshold)}：建议{label}（假定值）")],
    )
    audit_record(obj=action, action="newspaper_score_action_propose", actor=actor, rule_id=rule)


def score_action_approval_problems(*, obj: ScoreAction, action: str) -> list[str]:
    if action == "approve" and obj.product.status == ProductStatus.EXITED:
        return ["产品已退出"]
    return []


def score_action_approved(*, obj: ScoreAction, actor) -> None:
    """A warning marks the product warned; an exit takes it out of the national product catalogue (R-N-SCORE)."""
    on = _today()
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    product = NewspaperProduct.objects.select_for_update().get(pk=obj.product_id)
    before = product.status
    if obj.kind == ScoreActionKind.EXIT:
        product.status, product.exited_on = ProductStatus.EXITED, on
    elif product.status == ProductStatus.LIVE:
        product.status, product.warned_on = ProductStatus.WARNED, on
    product.save(update_fields=["status", "exited_on", "warned_on"])
    audit_record(obj=product, action="newspaper_score_action_apply", actor=actor, rule_id="R-N-SCORE",
                 from_status=before, to_status=product.status, data={"kind": obj.kind})


@transaction.atomic
def operating_scores_run(*, year: int, progress=None) -> dict[str, int]:
    """Every listed product's operating score for ``year`` (idempotent: upsert on product + year)."""
    counts = {"products": 0}
    products = list(NewspaperProduct.objects.filter(listed_on__year__lte=year).exclude(exited_on__year__lt=year))
    if progress is not None:
        progress.set_total(len(products))
    for product in products:
        if operating_score_compute(product=product, year=year):
            counts["products"] += 1
        if progress is not None:
            progress.advance()
    return counts
