"""Pure evaluators of RULES.md §8 (R-N-*): plain values and a rule book in, a result with its breakdown out.

No number lives here: every threshold, duration and table is read from the rule book, keyed as in the data
migration ``0002_newspaper_rule_entries``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from core.rulebook import RuleBook, add_duration, breakdown_item, fmt_points, points_value, to_decimal

CENT = Decimal("0.01")
ONE_DAY = dt.timedelta(days=1)

# --- R-N-QUAL: which documents a partner needs --------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One document a product needs: ``kind``, held by the partner or by its parent media, for sector licences the
    category it must cover, and the clause that asks for it."""

    kind: str
    held_by_parent: bool
    category: str
    clause: str
    rule: str

    @property
    def key(self) -> str:
        return f"{self.kind}@parent" if self.held_by_parent else self.kind


@dataclass(frozen=True)
class DocumentFacts:
    """What the evaluator needs to know of a filed document (no ORM)."""

    id: int
    kind: str
    number: str
    valid_from: dt.date
    valid_to: dt.date
    held_by_parent: bool = False
    category: str = ""
    authorising_media: str = ""


def category_group(*, category: str, book: RuleBook) -> str:
    """``news`` (第10条), ``sector`` (第11条) or ``other`` (第12条) for a content category."""
    if category in book.items("newspaper_news_categories"):
        return "news"
    if any(row["category"] == category for row in book.rows("newspaper_sector_categories")):
        return "sector"
    return "other"


def required_documents(*, category: str, relation: str, book: RuleBook) -> list[Requirement]:
    """The documents R-N-QUAL asks of a partner standing in ``relation`` to its media for a ``category`` paper."""
    group = category_group(category=category, book=book)
    rule = book.rule_id("newspaper_required_documents")
    for row in book.rows("newspaper_required_documents"):
        if row["group"] == group and row["relation"] == relation:
            requirements = []
            for key in row["documents"]:
                kind, _, holder = key.partition("@")
                requirements.append(
                    Requirement(
                        kind=kind,
                        held_by_parent=holder == "parent",
                        category=category if kind == "sector_licence" else "",
                        clause=row["clause"],
                        rule=rule,
                    )
                )
            return requirements
    raise KeyError(f"rule set v{book.version}: newspaper_required_documents has no row for {group}/{relation}")


def document_valid_on(document: DocumentFacts, on: dt.date) -> bool:
    """A document counts from its first to its last valid day, both included (valid to today still counts)."""
    return document.valid_from <= on <= document.valid_to


def authorisation_term_long_enough(*, valid_from: dt.date, valid_to: dt.date, book: RuleBook) -> bool:
    """第10条2(3)/第11条2/第12条 "三年以上授权": the whole term, last day included, is at least the minimum."""
    return valid_to + ONE_DAY >= add_duration(valid_from, book.duration("newspaper_authorisation_min_term"))


@dataclass(frozen=True)
class Shortfall:
    """A required document that is missing, expired, not yet valid or (authorisations) too short."""

    kind: str
    held_by_parent: bool
    reason: str
    clause: str
    rule: str
    document_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "held_by_parent": self.held_by_parent,
            "reason": self.reason,
            "clause": self.clause,
            "rule": self.rule,
            "document_id": self.document_id,
        }


@dataclass(frozen=True)
class QualificationResult:
    qualified: bool
    required: list[Requirement]
    shortfalls: list[Shortfall]
    satisfied_by: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [f"{s.reason}（{s.rule} {s.clause}）" for s in self.shortfalls]


KIND_LABELS = {
    "news_licence": "互联网新闻信息服务许可证",
    "sector_licence": "行业主管部门信息服务许可证",
    "subsidiary_proof": "下属公司证明",
    "content_authorisation": "内容授权证明",
}


def _label(requirement: Requirement) -> str:
    label = KIND_LABELS.get(requirement.kind, requirement.kind)
    return f"上级媒体的{label}" if requirement.held_by_parent else label


def _matches(requirement: Requirement, document: DocumentFacts) -> bool:
    if document.kind != requirement.kind or document.held_by_parent != requirement.held_by_parent:
        return False
    return not requirement.category or document.category == requirement.category


def evaluate_qualification(
    *,
    category: str,
    editing_mode: str,
    relation: str | None,
    documents: Iterable[DocumentFacts],
    on: dt.date,
    book: RuleBook,
) -> QualificationResult:
    """R-N-QUAL: is a partner qualified for a ``category`` / ``editing_mode`` product on ``on``; if not, which
    required document is missing, expired, not yet valid or (an authorisation) shorter than the minimum term."""
    rule = book.rule_id("newspaper_required_documents")
    if not relation:
        shortfall = Shortfall(
            kind="relation",
            held_by_parent=False,
            rule=rule,
            clause="第10条",
            reason="未登记合作伙伴与媒体的关系（媒体本身/下属公司/独立第三方）",
        )
        return QualificationResult(qualified=False, required=[], shortfalls=[shortfall])
    required = required_documents(category=category, relation=relation, book=book)
    documents = list(documents)
    shortfalls, satisfied = [], {}
    for requirement in required:
        candidates = [d for d in documents if _matches(requirement, d)]
        good = [
            d
            for d in candidates
            if document_valid_on(d, on)
            and (
                requirement.kind != "content_authorisation"
                or authorisation_term_long_enough(valid_from=d.valid_from, valid_to=d.valid_to, book=book)
            )
        ]
        if good:
            satisfied[requirement.key] = max(good, key=lambda d: d.valid_to).id
            continue
        shortfalls.append(_shortfall(requirement, candidates, on, book))
    notes = []
    if editing_mode == "reprint" and relation != "media":
        note = "转载类产品的内容合作伙伴原则上应直接为报社、杂志社或者旗下网站（第10条1(1)）"
        if book.flag("newspaper_reprint_media_only"):
            shortfalls.append(
                Shortfall(
                    kind="relation",
                    held_by_parent=False,
                    reason=note,
                    clause="第10条1(1)",
                    rule=book.rule_id("newspaper_reprint_media_only"),
                )
            )
        else:
            notes.append(note)
    return QualificationResult(
        qualified=not shortfalls, required=required, shortfalls=shortfalls, satisfied_by=satisfied, notes=notes
    )


def _shortfall(requirement: Requirement, candidates: Sequence[DocumentFacts], on: dt.date, book: RuleBook) -> Shortfall:
    label = _label(requirement)
    if requirement.category:
        label += f"（{requirement.category}）"

    def short(reason: str, document: DocumentFacts | None = None) -> Shortfall:
        return Shortfall(
            kind=requirement.kind,
            held_by_parent=requirement.held_by_parent,
            reason=reason,
            clause=requirement.clause,
            rule=requirement.rule,
            document_id=document.id if document else None,
        )

    if not candidates:
        return short(f"缺少{label}")
    current = [d for d in candidates if document_valid_on(d, on)]
    if current:
        document = max(current, key=lambda d: d.valid_to)
        minimum = book.duration("newspaper_authorisation_min_term")
        return short(
            f"{label} {document.number} 授权期限 {document.valid_from:%Y-%m-%d} 至 {document.valid_to:%Y-%m-%d}"
            f" 不足 {minimum['value']} {_UNIT[minimum['unit']]}",
            document,
        )
    latest = max(candidates, key=lambda d: d.valid_to)
    if latest.valid_to < on:
        return short(f"{label} {latest.number} 已于 {latest.valid_to:%Y-%m-%d} 到期", latest)
    return short(f"{label} {latest.number} 自 {latest.valid_from:%Y-%m-%d} 起才生效", latest)


_UNIT = {"days": "天", "weeks": "周", "months": "个月", "years": "年"}


def expiry_warning_days(*, valid_to: dt.date, on: dt.date, book: RuleBook) -> int | None:
    """The smallest warning band (e.g. 30/60/90 days) a document still valid on ``on`` expires within, or None."""
    days_left = (valid_to - on).days
    if days_left < 0:
        return None
    for band in sorted(int(b) for b in book.items("newspaper_document_expiry_warning_days")):
        if days_left <= band:
            return band
    return None


# --- R-N-LAUNCH --------------------------------------------------------------------------------------------------


def design_missing_fields(*, editing_mode: str, values: Mapping[str, Any], book: RuleBook) -> list[str]:
    """Fields of the product design document (stage 2) still empty for this editing mode (第14条2)."""
    for row in book.rows("newspaper_design_fields"):
        if row["editing_mode"] == editing_mode:
            return [name for name in row["fields"] if values.get(name) in (None, "")]
    raise KeyError(f"rule set v{book.version}: newspaper_design_fields has no row for {editing_mode}")


def stage_document(*, stage: int, book: RuleBook) -> str:
    for row in book.rows("newspaper_launch_stages"):
        if int(row["stage"]) == stage:
            return row["document"]
    raise KeyError(stage)


@dataclass(frozen=True)
class LaunchTestDates:
    start: dt.date
    end: dt.date
    scores_due_on: dt.date
    summary_due_on: dt.date


def launch_test_dates(*, start: dt.date, book: RuleBook) -> LaunchTestDates:
    """第14条4: sent on N consecutive days; scores within W days after the last day; the summary within S days."""
    end = start + dt.timedelta(days=book.integer("newspaper_test_days") - 1)
    return LaunchTestDates(
        start=start,
        end=end,
        scores_due_on=end + dt.timedelta(days=book.integer("newspaper_test_score_window_days")),
        summary_due_on=end + dt.timedelta(days=book.integer("newspaper_test_summary_due_days")),
    )


def score_is_late(*, scored_on: dt.date, scores_due_on: dt.date) -> bool:
    return scored_on > scores_due_on


@dataclass(frozen=True)
class ScoreFacts:
    tester: str
    score: Decimal | None
    late: bool


@dataclass(frozen=True)
class LaunchTestResult:
    exact_average: Decimal | None
    average: Decimal | None
    decision: str
    counted: tuple[str, ...]
    items: list[dict[str, Any]]


def evaluate_launch_test(*, scores: Iterable[ScoreFacts], book: RuleBook) -> LaunchTestResult:
    """R-N-LAUNCH test score: the average of the counted testers' scores (late ones per the rule-set switch),
    then the decision bracket (≥25 pass, 18 ≤ s < 25 adjust, < 18 reject). The decision uses the exact average;
    the shown average is cut (not rounded) to 2 places so it never reads as a pass the exact one is not."""
    launch = book.rule_id("newspaper_test_decision_brackets")
    method = book.text("newspaper_test_score_method")
    if method != "average":  # the one method the rulebook's reading defines; anything else is a configuration error
        raise ValueError(f"newspaper_test_score_method: 仅支持 average（测试人员评分的平均分），得到 '{method}'")
    late_counted = book.flag("newspaper_test_late_scores_counted")
    items, counted, values = [], [], []
    for fact in scores:
        if fact.score is None:
            items.append({"rule": launch, "points": 0, "detail": f"{fact.tester}：未评分，不计入"})
            continue
        if fact.late and not late_counted:
            items.append(
                breakdown_item(
                    book.rule_id("newspaper_test_late_scores_counted"),
                    points_value(fact.score),
                    f"{fact.tester}：逾期评分 {fmt_points(fact.score)} 分，按规则集不计入",
                )
            )
            continue
        counted.append(fact.tester)
        values.append(to_decimal(fact.score))
        late = "（逾期，按规则集计入）" if fact.late else ""
        items.append(
            breakdown_item(launch, points_value(fact.score), f"{fact.tester}：{fmt_points(fact.score)} 分{late}")
        )
    if not values:
        return LaunchTestResult(exact_average=None, average=None, decision="", counted=(), items=items)
    exact = sum(values, Decimal(0)) / len(values)
    shown = exact.quantize(CENT, rounding=ROUND_DOWN)
    decision = book.brackets("newspaper_test_decision_brackets").lookup(exact)
    thresholds = book.param("newspaper_test_decision_brackets").value["thresholds"]
    items.append(
        breakdown_item(
            launch,
            points_value(shown),
            f"测试得分 = {len(values)} 份计入评分的平均分 {fmt_points(shown)}"
            f"（≥{thresholds[1]} 通过；{thresholds[0]}–{thresholds[1]} 调整；"
            f"<{thresholds[0]} 退回）→ {DECISION_LABELS.get(decision, decision)}",
        )
    )
    return LaunchTestResult(exact_average=exact, average=shown, decision=decision, counted=tuple(counted), items=items)


DECISION_LABELS = {"pass": "通过", "adjust": "调整后重新执行上线流程", "reject": "退回，不予接入"}


def reapply_possible_from(*, rejected_on: dt.date, book: RuleBook) -> dt.date:
    """第14条4③: a rejected product may be applied for again 3 months (rule set) after it was returned."""
    return add_duration(rejected_on, book.duration("newspaper_reject_reapply_after"))


# --- R-N-SCORE -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachFacts:
    id: int
    breach_class: int
    occurred_on: dt.date


@dataclass(frozen=True)
class OperatingScoreResult:
    initial: Decimal
    deductions: Decimal
    score: Decimal
    items: list[dict[str, Any]]


def initial_operating_score(*, previous_year_end: Decimal | None, book: RuleBook) -> tuple[Decimal, dict]:
    """R-N-SCORE: 50 + last year-end score / 2; a product's first year starts at the first-year score."""
    rule = book.rule_id("newspaper_score_initial_base")
    if previous_year_end is None:
        first = book.number("newspaper_score_first_year")
        return first, breakdown_item(
            book.rule_id("newspaper_score_first_year"),
            points_value(first),
            f"首年初始运营分 {fmt_points(first)}（假定值）",
        )
    base, divisor = book.number("newspaper_score_initial_base"), book.number("newspaper_score_previous_divisor")
    initial = base + to_decimal(previous_year_end) / divisor
    return initial, breakdown_item(
        rule,
        points_value(initial),
        f"初始运营分 = {fmt_points(base)} + 上年末运营分 {fmt_points(previous_year_end)} / {fmt_points(divisor)}",
    )


def breach_deduction(*, breach_class: int, book: RuleBook) -> Decimal:
    for row in book.rows("newspaper_breach_deductions"):
        if int(row["breach_class"]) == int(breach_class):
            return to_decimal(row["points"])
    raise KeyError(f"rule set v{book.version}: no deduction for breach class {breach_class}")


def evaluate_operating_score(
    *, previous_year_end: Decimal | None, breaches: Iterable[BreachFacts], book: RuleBook
) -> OperatingScoreResult:
    """The year's operating score: initial score less each approved breach by class, not below the floor."""
    initial, first_item = initial_operating_score(previous_year_end=previous_year_end, book=book)
    items = [first_item]
    deductions = Decimal(0)
    rule = book.rule_id("newspaper_breach_deductions")
    for breach in sorted(breaches, key=lambda b: (b.occurred_on, b.id)):
        points = breach_deduction(breach_class=breach.breach_class, book=book)
        deductions += points
        items.append(
            breakdown_item(
                rule,
                points_value(-points),
                f"{breach.occurred_on:%Y-%m-%d} {breach.breach_class}类违约（#{breach.id}）扣 {fmt_points(points)} 分",
            )
        )
    floor = book.number("newspaper_score_floor")
    score = max(floor, initial - deductions)
    if score != initial - deductions:
        items.append(
            breakdown_item(
                book.rule_id("newspaper_score_floor"),
                points_value(score - (initial - deductions)),
                f"运营分不低于 {fmt_points(floor)}",
            )
        )
    return OperatingScoreResult(initial=initial, deductions=deductions, score=score, items=items)


def score_action_for(*, score: Decimal, book: RuleBook) -> tuple[str | None, Decimal | None]:
    """R-N-SCORE thresholds: below the exit threshold → ``exit``; below the warning one → ``warning``; else None.
    Returns the action and the threshold it fell below."""
    brackets = book.brackets("newspaper_score_thresholds")
    index = brackets.index(score)
    action = brackets.points[index]
    if action in ("", "none", None):
        return None, None
    return action, brackets.thresholds[index]
