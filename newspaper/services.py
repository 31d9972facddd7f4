"""Writes of the mobile-newspaper app (R-N-*): partner profiles and documents, products and their six-stage launch,
the 7-day test and its decision, breaches, the yearly operating score and its warning / exit proposals.

Approval hooks are plain functions (``<entity>_approved(*, obj, actor)``, ``<entity>_approval_problems(*, obj,
action)``); the models' ``on_approved`` / ``approval_problems`` only call them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.rulebook import breakdown_item, fmt_points, points_value
from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from scoring.selectors import rule_book_for, rule_book_in_force_or_oldest
from scoring.services import rule_set_mark_used

from . import rules, selectors
from .choices import (
    CATALOGUE_STATUSES,
    CLOSED_STATUSES,
    DocumentKind,
    LaunchStage,
    ProductScope,
    ProductStatus,
    ProductTestDecision,
    ScoreActionKind,
)
from .models import (
    Breach,
    LaunchStep,
    NewspaperPartnerProfile,
    NewspaperProduct,
    OperatingScore,
    ProductTest,
    QualificationDocument,
    ScoreAction,
    TesterScore,
)

# --- partners and their documents (R-N-QUAL) -----------------------------------------------------------------------


@transaction.atomic
def partner_profile_set(*, partner, relation: str, media_name: str = "", actor=None) -> NewspaperPartnerProfile:
    profile, _ = NewspaperPartnerProfile.objects.update_or_create(
        partner=partner, defaults={"relation": relation, "media_name": media_name}
    )
    audit_record(obj=profile, action="newspaper_profile_set", actor=actor, rule_id="R-N-QUAL",
                 data={"relation": relation, "media_name": media_name})
    return profile


def document_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks across fields of one document (shared by the form, the service and the import)."""
    problems = []
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(("valid_to", f"有效期至 {valid_to:%Y-%m-%d} 早于有效期起 {valid_from:%Y-%m-%d}"))
    kind = values.get("kind")
    if kind == DocumentKind.CONTENT_AUTHORISATION and not values.get("authorising_media"):
        problems.append(("authorising_media", "内容授权证明须填写授权媒体（R-N-QUAL）"))
    if kind == DocumentKind.SECTOR_LICENCE and not values.get("category"):
        problems.append(("category", "行业主管部门许可证须填写所许可的内容类别（R-N-QUAL 第11条）"))
    return problems


@transaction.atomic
def document_record(*, partner, actor=None, **values) -> QualificationDocument:
    """File (or update, by partner + kind + number) a licence, proof or authorisation."""
    problems = document_problems(values)
    if problems:
        raise ValidationError({field: [reason] for field, reason in problems})
    document, created = QualificationDocument.objects.update_or_create(
        partner=partner, kind=values.pop("kind"), number=values.pop("number"), defaults=values
    )
    audit_record(obj=document, action="newspaper_document_create" if created else "newspaper_document_update",
                 actor=actor, rule_id="R-N-QUAL")
    return document


@transaction.atomic
def documents_expiry_check(*, on: dt.date) -> dict[str, int]:
    """Daily: flag each document with the smallest warning band (30/60/90 days, rule set) it expires within;
    clear the flag of the others. Running it twice for a day changes nothing."""
    _, book = rule_book_in_force_or_oldest(on=on)
    changed = []
    counts: dict[str, int] = {"checked": 0, "flagged": 0, "expired": 0}
    for document in QualificationDocument.objects.only("pk", "valid_to", "expiry_warning_days",
                                                       "expiry_checked_on"):
        counts["checked"] += 1
        band = rules.expiry_warning_days(valid_to=document.valid_to, on=on, book=book)
        counts["flagged"] += band is not None
        counts["expired"] += document.valid_to < on
        if band != document.expiry_warning_days or document.expiry_checked_on != on:
            document.expiry_warning_days, document.expiry_checked_on = band, on
            changed.append(document)
    QualificationDocument.objects.bulk_update(changed, ["expiry_warning_days", "expiry_checked_on"], batch_size=1000)
    return counts


# --- products and the launch (R-N-PRODUCT, R-N-LOCAL, R-N-LAUNCH) --------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def product_propose(*, partner, name: str, editing_mode: str, category: str, delivery_format: str,
                    scope: str = ProductScope.NATIONAL, frequency: str = "", suggested_price=None,
                    content: str = "", sections: str = "", demo: str = "", on: dt.date | None = None,
                    actor=None) -> NewspaperProduct:
    """A partner's application for a product. Refused while a restriction forbids new products (enforcement),
    while a rejected product of the same partner and name is inside its re-application lock (R-N-LAUNCH), or
    while a product of that name is open."""
    on = on or _today()
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["产品名称不能为空"]})
    _, book = rule_book_in_force_or_oldest(on=on)
    for field, key, value in (("editing_mode", "newspaper_editing_modes", editing_mode),
                              ("category", "newspaper_categories", category)):
        allowed = book.items(key)
        if value not in allowed:
            raise ValidationError({field: [f"{book.rule_id(key)}：须为规则集 {key} 中的 {', '.join(allowed)} 之一，"
                                           f"得到 '{value}'"]})
    verdict = action_allowed(partner=partner, action=RestrictedAction.NEW_PRODUCTS, on=on)
    if not verdict.allowed:
        raise ValidationError({"partner": [f"合作方当前不得新增产品：{'；'.join(verdict.reasons)}"]})
    lock = selectors.reapply_lock(partner=partner, name=name, on=on)
    if lock is not None:
        raise ValidationError({"name": [
            f"产品“{name}”已于 {lock.rejected_on:%Y-%m-%d} 因测试得分低于退回线被退回，"
            f"{lock.reapply_from:%Y-%m-%d} 起方可重新申请（R-N-LAUNCH 第14条4(3)③）"]})
    if NewspaperProduct.objects.filter(partner=partner, name=name).exclude(status__in=CLOSED_STATUSES).exists():
        raise ValidationError({"name": [f"合作方已有未关闭的产品“{name}”"]})
    product = NewspaperProduct.objects.create(
        partner=partner, name=name, editing_mode=editing_mode, category=category, delivery_format=delivery_format,
        scope=scope, frequency=frequency, suggested_price=suggested_price, content=content, sections=sections,
        demo=demo, proposed_on=on,
    )
    rule_id = "R-N-LOCAL" if scope == ProductScope.LOCAL else "R-N-PRODUCT"
    audit_record(obj=product, action="newspaper_product_propose", actor=actor, rule_id=rule_id,
                 to_status=product.status)
    return product


def _local_refusal(product: NewspaperProduct) -> str:
    _, book = rule_book_in_force_or_oldest(on=_today())
    return (f"地方手机报按{book.text('newspaper_local_rulebook')}另行管理，不执行全国手机报上线流程"
            f"（{book.rule_id('newspaper_local_rulebook')}）")


def _design_values(product: NewspaperProduct) -> dict[str, Any]:
    return {field: getattr(product, field) for field in
            ("name", "content", "sections", "demo", "delivery_format", "frequency", "suggested_price")}


def launch_step_problems(*, product: NewspaperProduct, stage: int, on: dt.date) -> list[str]:
    """Why stage ``stage`` cannot be recorded for ``product`` on ``on`` now (empty when it can)."""
    if product.scope == ProductScope.LOCAL:
        return [_local_refusal(product)]
    if product.status not in (ProductStatus.PROPOSED, ProductStatus.IN_LAUNCH):
        return [f"产品状态为“{product.get_status_display()}”，不能登记上线阶段"]
    if stage != product.launch_stage + 1:
        expected = LaunchStage(product.launch_stage + 1).label if product.launch_stage < 6 else "—"
        return [f"须按顺序登记：下一阶段为“{expected}”（R-N-LAUNCH 第14条）"]
    if stage in (LaunchStage.TEST, LaunchStage.APPROVAL):
        return ["产品测试与上线审批由“产品测试”登记并审批（R-N-LAUNCH 第14条4、5）"]
    _, book = rule_book_in_force_or_oldest(on=on)
    problems = []
    if stage == LaunchStage.DESIGN:
        missing = rules.design_missing_fields(editing_mode=product.editing_mode, values=_design_values(product),
                                              book=book)
        if missing:
            labels = [str(NewspaperProduct._meta.get_field(f).verbose_name) for f in missing]
            problems.append(f"产品设计书缺少：{'、'.join(labels)}（{book.rule_id('newspaper_design_fields')} 第14条2）")
    if stage in [int(s) for s in book.items("newspaper_qualification_stages")]:
        qualification = selectors.product_qualification(product=product, on=on)
        problems += [f"资质不符：{reason}" for reason in qualification.reasons]
    return problems


def _record_step(*, product: NewspaperProduct, stage: int, on: dt.date, actor, document: str, note: str = "",
                 document_file=None) -> LaunchStep:
    step = LaunchStep.objects.create(product=product, launch_round=product.launch_round, stage=stage, done_on=on,
                                     done_by=actor if getattr(actor, "pk", None) else None, document=document,
                                     note=note, document_file=document_file or "")
    audit_record(obj=product, action="newspaper_launch_step", actor=actor, rule_id="R-N-LAUNCH",
                 reason=note, data={"stage": stage, "round": product.launch_round, "document": document,
                                    "on": on.isoformat()})
    return step


@transaction.atomic
def launch_step_record(*, product: NewspaperProduct, stage: int, document: str = "", on: dt.date | None = None,
                       actor=None, note: str = "", document_file=None) -> LaunchStep:
    """Record stage 1, 2, 3 or 6 of the launch with who, when and the document it needs (R-N-LAUNCH)."""
    on = on or _today()
    product = NewspaperProduct.objects.select_for_update().get(pk=product.pk)
    problems = launch_step_problems(product=product, stage=stage, on=on)
    if problems:
        raise ValidationError({"stage": problems})
    _, book = rule_book_in_force_or_oldest(on=on)
    step = _record_step(product=product, stage=stage, on=on, actor=actor, note=note, document_file=document_file,
                        document=document.strip() or rules.stage_document(stage=stage, book=book))
    product.launch_stage = stage
    fields = ["launch_stage", "status"]
    if product.status == ProductStatus.PROPOSED:
        product.status = ProductStatus.IN_LAUNCH
    if stage == LaunchStage.LISTING:
        product.status, product.listed_on = ProductStatus.LIVE, on
        fields.append("listed_on")
    product.save(update_fields=fields)
    return step


# --- the test (R-N-LAUNCH stage 4) and the launch decision (stage 5) ------------------------------------------------


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


# --- breaches and the operating score (R-N-VIOLATION, R-N-SCORE) --------------------------------------------------


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


def operating_scores_run(*, year: int) -> dict[str, int]:
    """Every listed product's operating score for ``year`` (idempotent: upsert on product + year)."""
    counts = {"products": 0}
    for product in NewspaperProduct.objects.filter(listed_on__year__lte=year).exclude(exited_on__year__lt=year):
        if operating_score_compute(product=product, year=year):
            counts["products"] += 1
    return counts
