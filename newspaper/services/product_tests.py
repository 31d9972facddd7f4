"""The 7-day product test (R-N-LAUNCH stage 4) and the launch decision on its score (stage 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from core.choices import ApprovalStatus
from scoring.selectors import rule_book_for, rule_book_in_force_or_oldest
from scoring.services import rule_set_mark_used

from .. import rules
from ..choices import (
    LaunchStage,
    ProductScope,
    ProductStatus,
    ProductTestDecision,
)
from ..models import (
    NewspaperProduct,
    ProductTest,
    TesterScore,
)
from .launch import _local_refusal, _record_step, _today


@transaction.atomic
def product_test_start(*, product: NewspaperProduct, start_date: dt.date, testers: list[str],
                       actor=None) -> ProductTest:
    """HQ fixes the test dates and names the testers, once the design review (stage 3) is recorded."""
    product = NewspaperProduct.objects.select_for_update().get(pk=product.pk)
    if product.scope == ProductScope.LOCAL:
        raise ValidationError({"product": [_local_refusal(product)]})
    if product.status != ProductStatus.IN_LAUNCH or product.launch_stage != LaunchStage.REVIEW:
        raise ValidationError({"product": ["产品须完成“产品开发初审”后方可测试（R-N-LAUNCH 第14条4(1)）"]})
    names = [t.strip() for t in testers if t and t.strip()]
    if not names:
        raise ValidationError({"testers": ["须指定测试人员名单（总部指定）"]})
    if len(set(names)) != len(names):
        raise ValidationError({"testers": ["测试人员名单有重复"]})
    if ProductTest.objects.filter(product=product, launch_round=product.launch_round).exists():
        raise ValidationError({"product": [f"第{product.launch_round}轮测试已登记"]})
    rule_set, book = rule_book_in_force_or_oldest(on=start_date)
    dates = rules.launch_test_dates(start=start_date, book=book)
    test = ProductTest.objects.create(
        product=product, launch_round=product.launch_round, start_date=dates.start, end_date=dates.end,
        scores_due_on=dates.scores_due_on, summary_due_on=dates.summary_due_on, rule_set=rule_set,
    )
    TesterScore.objects.bulk_create([TesterScore(test=test, tester=name) for name in names])
    audit_record(obj=test, action="newspaper_test_start", actor=actor, rule_id="R-N-LAUNCH",
                 data={"testers": names, "start": start_date.isoformat(), "end": dates.end.isoformat()})
    return test


def _editable(test: ProductTest) -> None:
    if test.status not in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED):
        raise ValidationError({"test": [f"测试状态为“{test.get_status_display()}”，不能修改"]})


def _score_value(score, book) -> Decimal:
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": [f"评分须为数值，得到 {score!r}"]}) from None
    maximum = book.number("newspaper_test_max_score")
    if not Decimal(0) <= value <= maximum or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"score": [f"评分须在 0–{maximum} 之间、最多两位小数，得到 {score}"
                                         f"（{book.rule_id('newspaper_test_max_score')}）"]})
    return value


@transaction.atomic
def tester_score_enter(*, test: ProductTest, tester: str, score, scored_on: dt.date, comment: str = "",
                       actor=None) -> TesterScore:
    """A named tester's score (0–30); a score after the window is flagged late (R-N-LAUNCH 第14条4(2))."""
    test = ProductTest.objects.select_for_update().get(pk=test.pk)
    _editable(test)
    book = rule_book_for(test.rule_set)
    row = TesterScore.objects.filter(test=test, tester=tester.strip()).first()
    if row is None:
        raise ValidationError({"tester": [f"“{tester}”不在总部指定的测试人员名单中"]})
    if scored_on < test.start_date:
        raise ValidationError({"scored_on": [f"评分日期 {scored_on:%Y-%m-%d} 早于测试开始日期"]})
    row.score, row.scored_on, row.comment = _score_value(score, book), scored_on, comment
    row.late = rules.score_is_late(scored_on=scored_on, scores_due_on=test.scores_due_on)
    row.save()
    product_test_recompute(test=test)
    row.refresh_from_db()
    return row


@transaction.atomic
def tester_add(*, test: ProductTest, tester: str, actor=None) -> TesterScore:
    test = ProductTest.objects.select_for_update().get(pk=test.pk)
    _editable(test)
    row, _ = TesterScore.objects.get_or_create(test=test, tester=tester.strip())
    return row


@transaction.atomic
def product_test_recompute(*, test: ProductTest) -> ProductTest:
    """Average of the counted scores and the decision bracket, with its breakdown and the rule-set version."""
    book = rule_book_for(test.rule_set)
    rows = list(test.scores.order_by("tester"))
    result = rules.evaluate_launch_test(
        scores=[rules.ScoreFacts(tester=r.tester, score=r.score, late=r.late) for r in rows], book=book
    )
    counted = set(result.counted)
    for row in rows:
        row.counted = row.tester in counted
    TesterScore.objects.bulk_update(rows, ["counted"])
    test.average, test.decision, test.items = result.average, result.decision, result.items
    test.counted_scores = len(counted)
    test.save(update_fields=["average", "decision", "items", "counted_scores"])
    return test


@transaction.atomic
def product_test_summarise(*, test: ProductTest, summary: str, summary_on: dt.date, actor=None) -> ProductTest:
    """The support unit's test summary (due within 5 days of the end; late ones are flagged); records stage 4."""
    test = ProductTest.objects.select_for_update().get(pk=test.pk)
    _editable(test)
    if not summary.strip():
        raise ValidationError({"summary": ["测试总结不能为空"]})
    if summary_on < test.end_date:
        raise ValidationError({"summary_on": [f"测试于 {test.end_date:%Y-%m-%d} 结束，总结日期不能更早"]})
    test.summary, test.summary_on = summary, summary_on
    test.summary_late = summary_on > test.summary_due_on
    test.save(update_fields=["summary", "summary_on", "summary_late"])
    product = NewspaperProduct.objects.select_for_update().get(pk=test.product_id)
    if product.launch_stage == LaunchStage.REVIEW and product.launch_round == test.launch_round:
        book = rule_book_for(test.rule_set)
        _record_step(product=product, stage=LaunchStage.TEST, on=summary_on, actor=actor,
                     document=rules.stage_document(stage=LaunchStage.TEST, book=book),
                     note="总结逾期" if test.summary_late else "")
        product.launch_stage = LaunchStage.TEST
        product.save(update_fields=["launch_stage"])
    return test


def product_test_approval_problems(*, obj: ProductTest, action: str) -> list[str]:
    if action not in ("submit", "approve"):
        return []
    problems = []
    if not obj.summary_on:
        problems.append("尚未提交测试总结（R-N-LAUNCH 第14条4(3)）")
    if not obj.decision:
        problems.append("没有计入的测试评分，无法得出测试得分")
    product = obj.product
    if product.launch_round != obj.launch_round or product.launch_stage != LaunchStage.TEST:
        problems.append("产品当前不在本轮测试阶段")
    return problems


def product_test_approved(*, obj: ProductTest, actor) -> None:
    """HQ's launch decision on the test summary (stage 5): pass → ready for listing; adjust → a new launch round
    from the rule set's restart stage; reject → returned, re-application locked for 3 months (R-N-LAUNCH)."""
    on = _today()
    book = rule_book_for(obj.rule_set)
    rule_set_mark_used(rule_set_id=obj.rule_set_id)
    product = NewspaperProduct.objects.select_for_update().get(pk=obj.product_id)
    label = rules.DECISION_LABELS.get(obj.decision, obj.decision)
    _record_step(product=product, stage=LaunchStage.APPROVAL, on=on, actor=actor,
                 document=rules.stage_document(stage=LaunchStage.APPROVAL, book=book),
                 note=f"测试得分 {obj.average}：{label}")
    before = product.status
    if obj.decision == ProductTestDecision.PASS:
        product.launch_stage = LaunchStage.APPROVAL
    elif obj.decision == ProductTestDecision.ADJUST:
        restart = book.integer("newspaper_adjust_restart_stage")
        product.launch_round += 1
        product.launch_stage = max(0, restart - 1)
    else:
        product.status = ProductStatus.REJECTED
        product.rejected_on = on
        product.reapply_from = rules.reapply_possible_from(rejected_on=on, book=book)
    product.save()
    audit_record(obj=product, action="newspaper_test_decide", actor=actor, rule_id="R-N-LAUNCH",
                 from_status=before, to_status=product.status,
                 data={"decision": obj.decision, "average": str(obj.average),
                       "reapply_from": product.reapply_from.isoformat() if product.reapply_from else None})
