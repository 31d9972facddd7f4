"""Pure credit evaluators: facts and a rule book in, scores with their breakdown out. No ORM.

R-K-COMPOSE: monthly score = Σ item points (0–100) × item weight, scaled to ``credit_score_max``.
The item list and weights are rule-set data (``credit_items``); an item type registry maps item keys to
evaluators, and any configured key without an evaluator is a staff-entered item (like ``base_standard``),
so adding an item is a rule-set change, not a code change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from core.months import add_months, format_month
from core.rulebook import RuleBook, points_value, to_decimal

from .choices import CreditGrade, SanctionCode

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

CORE_PROFILE, ORDINARY_PROFILE = "core", "ordinary"


def q2(value: Any) -> Decimal:
    return to_decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PartnerMonthFacts:
    """Everything the item evaluators may look at for one partner and month (aggregated in the database)."""

    partner_id: int
    month: dt.date
    partner_class: str = "ordinary"
    has_joint_membership: bool = False
    notifications: int = 0
    tickets: int = 0
    late_tickets: int = 0
    revenue: Decimal = ZERO
    product_purchases: Decimal = ZERO
    ads_placed: Decimal = ZERO
    importance_categories: tuple[str, ...] = ()
    manual_scores: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemResult:
    points: Decimal
    rule: str
    detail: str


@dataclass(frozen=True)
class ItemType:
    """How one kind of credit item is scored, and the most it can score (for the path to the next grade)."""

    key: str
    evaluate: Callable[[PartnerMonthFacts, RuleBook, Mapping[str, Any]], ItemResult]
    max_points: Callable[[RuleBook], Decimal]
    computed: bool = True


ITEM_TYPES: dict[str, ItemType] = {}


def register_item_type(item_type: ItemType) -> ItemType:
    ITEM_TYPES[item_type.key] = item_type
    return item_type


def _row_rule(row: Mapping[str, Any], default: str) -> str:
    return str(row.get("rule") or default)


# --- R-K-HEALTH -------------------------------------------------------------------------------------------------

def on_time_percent(tickets: int, late: int) -> Decimal:
    """On-time rate = tickets not handled late / all tickets of the month; a month without tickets is 100 %."""
    if tickets <= 0:
        return HUNDRED
    return Decimal(tickets - late) * HUNDRED / Decimal(tickets)


def evaluate_health(facts: PartnerMonthFacts, book: RuleBook, row: Mapping[str, Any]) -> ItemResult:
    start = book.number("credit_health_start")
    per_notification = book.number("credit_health_per_notification")
    threshold = book.number("credit_health_ontime_threshold")
    penalty = book.number("credit_health_ontime_penalty")
    floor = book.number("credit_health_floor")
    rate = on_time_percent(facts.tickets, facts.late_tickets)
    notification_deduction = per_notification * facts.notifications
    late_deduction = penalty if rate < threshold else ZERO
    points = max(floor, start - notification_deduction - late_deduction)
    on_time = facts.tickets - facts.late_tickets
    rate_text = f"{q2(rate)}%（{on_time}/{facts.tickets}）" if facts.tickets else "100%（无工单）"
    detail = (
        f"起始 {start}；通报 {facts.notifications} 次 −{notification_deduction}；"
        f"工单及时处理率 {rate_text}{'低于' if late_deduction else '不低于'} {threshold}%"
        f"{f' −{penalty}' if late_deduction else ''}；不低于 {floor}"
    )
    return ItemResult(points=q2(points), rule=_row_rule(row, book.rule_id("credit_health_start")), detail=detail)


register_item_type(ItemType("health", evaluate_health, lambda book: book.number("credit_health_start")))


# --- R-K-STRATEGIC (with R-K-PRODUCTS purchases) ----------------------------------------------------------------

def evaluate_strategic(facts: PartnerMonthFacts, book: RuleBook, row: Mapping[str, Any]) -> ItemResult:
    categories = {r["category"]: r for r in book.rows("credit_company_importance")}
    counted = [c for c in facts.importance_categories if c in categories]
    company = max((to_decimal(categories[c]["points"]) for c in counted), default=ZERO)
    best = max(counted, key=lambda c: to_decimal(categories[c]["points"]), default=None)

    threshold = book.number("credit_operational_importance_threshold")
    lines = [("分成前收入", facts.revenue), ("采购咪咕产品/服务", facts.product_purchases),
             ("投放咪咕广告", facts.ads_placed)]
    qualifying = [(label, amount) for label, amount in lines if amount >= threshold]
    operational = book.number("credit_operational_importance_points") if qualifying else ZERO

    cap = book.number("credit_strategic_cap")
    points = min(company + operational, cap)
    company_text = f"公司重要性 {company}（{categories[best]['name']}）" if best else "公司重要性 0（无已生效材料）"
    if qualifying:
        reached = "、".join(f"{label} {q2(amount)} 元" for label, amount in qualifying)
        operational_text = f"经营重要性 {operational}（{reached} ≥ {q2(threshold)} 元）"
    else:
        amounts = "、".join(f"{label} {q2(amount)}" for label, amount in lines)
        operational_text = f"经营重要性 0（{amounts} 元均低于 {q2(threshold)} 元）"
    detail = f"{company_text} + {operational_text}，合计封顶 {cap}"
    return ItemResult(points=q2(points), rule=_row_rule(row, book.rule_id("credit_strategic_cap")), detail=detail)


register_item_type(ItemType("strategic", evaluate_strategic, lambda book: book.number("credit_strategic_cap")))


# --- staff-entered items (base_standard and any configured key without an evaluator) ----------------------------

def evaluate_manual(facts: PartnerMonthFacts, book: RuleBook, row: Mapping[str, Any]) -> ItemResult:
    key = row["item"]
    rule = _row_rule(row, book.rule_id("credit_items"))
    entered = facts.manual_scores.get(key)
    if entered is not None:
        return ItemResult(points=q2(entered), rule=rule, detail=f"人工录入 {q2(entered)} 分")
    default = book.number("credit_manual_item_default_points")
    return ItemResult(points=q2(default), rule=rule, detail=f"未录入，按规则集默认 {default} 分（假定）")


MANUAL_ITEM = ItemType("manual", evaluate_manual, lambda book: book.number("credit_item_scale"), computed=False)


def item_type_for(key: str) -> ItemType:
    return ITEM_TYPES.get(key, MANUAL_ITEM)


# --- R-K-COMPOSE -------------------------------------------------------------------------------------------------

def weight_profile(facts: PartnerMonthFacts, book: RuleBook) -> str:
    """Core/joint-membership weights for core partners; for joint members too when the rule set says so."""
    if facts.partner_class == CORE_PROFILE:
        return CORE_PROFILE
    if facts.has_joint_membership and book.flag("credit_core_weights_for_joint_membership"):
        return CORE_PROFILE
    return ORDINARY_PROFILE


@dataclass(frozen=True)
class MonthlyResult:
    monthly_score: Decimal
    profile: str
    items: list[dict[str, Any]]


def compose_monthly(facts: PartnerMonthFacts, book: RuleBook) -> MonthlyResult:
    rows = book.rows("credit_items")
    profile = weight_profile(facts, book)
    weights = [to_decimal(row[f"weight_{profile}"]) for row in rows]
    total_weight = sum(weights, ZERO)
    if total_weight <= 0:
        raise ValueError(f"credit_items: 权重档 {profile} 的权重之和须大于 0")
    scale = book.number("credit_score_max") / book.number("credit_item_scale")
    items, monthly = [], ZERO
    for row, weight in zip(rows, weights, strict=True):
        result = item_type_for(row["item"]).evaluate(facts, book, row)
        effective = weight / total_weight  # weights are renormalised so a perfect month is exactly the maximum
        monthly += result.points * effective * scale
        items.append({
            "rule": result.rule,
            "item": row["item"],
            "name": row.get("name", row["item"]),
            "points": points_value(result.points),
            "weight": float(effective.quantize(FOUR, rounding=ROUND_HALF_UP)),
            "detail": result.detail,
            "assumed": str(row.get("assumed", "")).lower() in {"yes", "true", "1"},
        })
    monthly = min(max(q2(monthly), ZERO), book.number("credit_score_max"))
    return MonthlyResult(monthly_score=monthly, profile=profile, items=items)


# --- R-K-WEIGHTED -----------------------------------------------------------------------------------------------

def weighted_score(
    month: dt.date, monthly_scores: Sequence[Decimal | None], book: RuleBook
) -> tuple[Decimal, list[dict[str, Any]]]:
    """Weights apply to the month itself and the months before it; missing months drop out and the rest is
    renormalised (R-K-WEIGHTED). ``monthly_scores[0]`` is the month itself and must exist."""
    weights = book.weights("credit_month_weights")
    used = [
        (add_months(month, -offset), weight, score)
        for offset, (weight, score) in enumerate(zip(weights, monthly_scores, strict=False))
        if score is not None
    ]
    total = sum((weight for _, weight, _ in used), ZERO)
    if total <= 0:
        raise ValueError("credit_month_weights: 当月权重须大于 0")
    score = q2(sum((weight * s for _, weight, s in used), ZERO) / total)
    breakdown = [
        {"month": format_month(m), "monthly_score": points_value(s), "configured_weight": float(w),
         "weight": float((w / total).quantize(FOUR, rounding=ROUND_HALF_UP))}
        for m, w, s in used
    ]
    return score, breakdown


# --- R-K-RANGE --------------------------------------------------------------------------------------------------

def grade_for(score: Decimal, book: RuleBook) -> str:
    if score <= book.number("credit_terminate_at_or_below"):
        return CreditGrade.X
    return str(book.brackets("credit_grade_brackets").lookup(score))


def grade_sanction_codes(grade: str, book: RuleBook) -> list[str]:
    """Cumulative sanctions of a grade; ≤0 gets the lowest grade's sanctions plus termination."""
    rows = {row["grade"]: list(row["sanctions"]) for row in book.rows("credit_grade_sanctions")}
    if grade == CreditGrade.X:
        lowest = str(book.brackets("credit_grade_brackets").points[0])
        return rows.get(lowest, []) + [SanctionCode.TERMINATE]
    return rows.get(grade, [])


# --- the partner's path to the next grade -----------------------------------------------------------------------

def next_grade_path(
    *,
    score: Decimal,
    monthly_score: Decimal,
    month: dt.date,
    items: Sequence[Mapping[str, Any]],
    months: Sequence[Mapping[str, Any]],
    book: RuleBook,
) -> dict[str, Any]:
    """Points missing to the next grade, what next month's monthly score must reach, and how far each item can
    still move it, all from the score's own rule set."""
    brackets = book.brackets("credit_grade_brackets")
    terminate_at = book.number("credit_terminate_at_or_below")
    grade = grade_for(score, book)
    if grade == CreditGrade.X:
        next_grade, threshold = str(brackets.points[0]), terminate_at + TWO
    else:
        index = brackets.index(score)
        if index >= len(brackets.thresholds):
            next_grade, threshold = None, None
        else:
            next_grade, threshold = str(brackets.points[index + 1]), brackets.thresholds[index]

    # Next month's weighted score = w0 × next monthly score + the carried weights of this and earlier months.
    weights = book.weights("credit_month_weights")
    known = {entry["month"]: to_decimal(entry["monthly_score"]) for entry in months}
    known.setdefault(format_month(month), monthly_score)
    next_month = add_months(month, 1)
    carried, total = ZERO, weights[0]
    for offset, weight in enumerate(weights[1:], start=1):
        value = known.get(format_month(add_months(next_month, -offset)))
        if value is not None:
            carried += weight * value
            total += weight
    share = weights[0] / total if total > 0 else ZERO
    score_max = book.number("credit_score_max")
    scale = score_max / book.number("credit_item_scale")

    movable = []
    for item in items:
        key = item.get("item", "")
        if key not in {row["item"] for row in book.rows("credit_items")}:
            continue
        maximum = item_type_for(key).max_points(book)
        gain_monthly = max(ZERO, (maximum - to_decimal(item["points"])) * to_decimal(item["weight"]) * scale)
        movable.append({
            "item": key,
            "name": item.get("name", key),
            "rule": item["rule"],
            "points": item["points"],
            "max_points": points_value(maximum),
            "weight": item["weight"],
            "max_gain_monthly_score": points_value(gain_monthly),
            "max_gain_score": points_value(gain_monthly * share),
        })

    total = total or Decimal(1)
    projected_unchanged = q2((weights[0] * monthly_score + carried) / total)
    projected_best = q2((weights[0] * score_max + carried) / total)
    path: dict[str, Any] = {
        "month": format_month(month),
        "score": points_value(score),
        "grade": grade,
        "next_grade": next_grade,
        "threshold": points_value(threshold) if threshold is not None else None,
        "points_missing": points_value(max(ZERO, threshold - score)) if threshold is not None else 0,
        "next_month": format_month(next_month),
        "next_month_score_if_unchanged": points_value(projected_unchanged),
        "next_month_best_score": points_value(projected_best),
        "items": movable,
        "rules": [book.rule_id("credit_grade_brackets"), book.rule_id("credit_month_weights"),
                  book.rule_id("credit_items")],
        "rule_set_version": book.version,
    }
    if threshold is not None and weights[0] > 0:
        needed = max(ZERO, (threshold * total - carried) / weights[0]).quantize(TWO, rounding=ROUND_CEILING)
        path["monthly_score_needed"] = points_value(needed)
        path["reachable_next_month"] = needed <= score_max
    else:
        path["monthly_score_needed"] = None
        path["reachable_next_month"] = None
    return path
