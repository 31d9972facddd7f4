"""Scoring's pure evaluators (R-D-NOTIFY, R-D-WARN, R-M-*): plain values in, plain values out, no ORM.

The rule engine they read their numbers through (``RuleBook``, brackets, money, breakdown lines) is
``core.rulebook``. All arithmetic is ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from core.rulebook import (
    CENT,
    Brackets,
    RuleBook,
    breakdown_item,
    clamp,
    fmt_number,
    fmt_points,
    fmt_wan,
    points_value,
    table_row_for,
    to_decimal,
)

from .choices import PathInput, PathItem, PathStatus


def steps_over_threshold(count: int, threshold: int, step: int) -> int:
    """0 below the threshold; 1 at it, plus 1 per further full step (R-D-NOTIFY: 25→1, 34→1, 35→2)."""
    if count < threshold:
        return 0
    return 1 + (count - threshold) // step


# --- R-D-NOTIFY -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationResult:
    notifications: int
    items: list[dict[str, Any]]


def evaluate_daily_notification(*, complaint_count: int, book: RuleBook) -> NotificationResult:
    """A day's unknowing-subscription ticket count → notifications (R-D-NOTIFY)."""
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    notifications = steps_over_threshold(complaint_count, threshold, step)
    detail = daily_notification_detail(
        complaint_count=complaint_count, threshold=threshold, step=step, notifications=notifications
    )
    line = breakdown_item(book.rule_id("notify_threshold"), points_value(notifications), detail)
    return NotificationResult(notifications, [line])


def daily_notification_detail(*, complaint_count: Any, threshold: int, step: int, notifications: Any) -> str:
    """The detail line of a day's notification; the set-based job fills the counts in SQL from this same text."""
    return (
        f"当日不知情订购投诉 {complaint_count} 件（≥{threshold} 件通报 1 次，每再增 {step} 件加 1 次）"
        f"→ 通报 {notifications} 次"
    )


# --- R-D-WARN -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningResult:
    level: int
    level_reached_on: dict[str, str]
    items: list[dict[str, Any]]


def warning_thresholds(book: RuleBook) -> list[tuple[int, int]]:
    """(level, min_notifications) of the warning table, ascending."""
    return [(int(row["level"]), int(row["min_notifications"])) for row in book.rows("warning_levels")]


def evaluate_warning(
    *, notification_count: int, first_reached: Mapping[int, dt.date | None], book: RuleBook
) -> WarningResult:
    """The month's cumulative notifications → warning level, and the day each level was first reached (R-D-WARN).

    ``first_reached`` maps each level to the first day the running total reached its threshold (None if never).
    """
    rows = book.rows("warning_levels")
    row = table_row_for(rows, "min_notifications", notification_count)
    level = int(row["level"]) if row else 0
    reached = {
        str(lvl): first_reached[lvl].isoformat()
        for lvl, _minimum in warning_thresholds(book)
        if lvl <= level and first_reached.get(lvl) is not None
    }
    if row:
        days = "，".join(f"{lvl}级 {day}" for lvl, day in reached.items())
        detail = (
            f"当月累计通报 {notification_count} 次（≥{row['min_notifications']} 次）→ {level} 级预警；"
            f"首次达到：{days}；结算比例 {row['payout_percent']}%"
        )
    else:
        first = rows[0]["min_notifications"] if rows else "—"
        detail = f"当月累计通报 {notification_count} 次（未达 {first} 次）→ 无预警"
    return WarningResult(level, reached, [breakdown_item(book.rule_id("warning_levels"), points_value(level), detail)])


def warning_measures(*, level: int, book: RuleBook) -> tuple[list[dict[str, Any]], Decimal]:
    """A level's measures ``[{action, duration, rule}]`` and its payout percentage (R-D-WARN table)."""
    rule = book.rule_id("warning_levels")
    for row in book.rows("warning_levels"):
        if int(row["level"]) == level:
            measures = [
                {"action": "promote", "duration": dict(row["promotion_suspension"]), "rule": rule},
                {"action": "apply_codes", "duration": dict(row["code_application_suspension"]), "rule": rule},
            ]
            return measures, to_decimal(row["payout_percent"])
    raise ValueError(f"level: rule set v{book.version} has no warning level {level}")


DURATION_UNIT_LABELS = {"days": "天", "working_days": "个工作日", "weeks": "周", "months": "个月", "years": "年"}


def fmt_duration(duration: Mapping[str, Any]) -> str:
    return f"{duration['value']}{DURATION_UNIT_LABELS.get(duration['unit'], duration['unit'])}"


# --- R-M-* monthly assessment ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInputs:
    """Everything one partner-type's month is assessed on, as plain values."""

    month: dt.date
    cooperation_type: str
    revenue: Decimal = Decimal(0)
    complaint_count: int = 0
    incubation_start: dt.date | None = None
    marketing_resources: bool = False
    marketing_includes_client_promotion: bool = False
    cash_contribution: Decimal = Decimal(0)
    ad_sales: Decimal = Decimal(0)
    active_users: int = 0
    late_or_quality_count: int = 0
    upgraded_ticket_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentResult:
    revenue_score: Decimal
    health_ratio: Decimal
    health_score: Decimal
    bonus_score: Decimal
    deduction_score: Decimal
    total: Decimal
    incubation: bool
    items: list[dict[str, Any]]


SALES_CHANNEL = "sales_channel"
RATIO_PLACES = Decimal("0.0001")


def incubation_month_index(*, start: dt.date | None, month: dt.date) -> int | None:
    """1 for the contract start month, 2 for the next… (R-M-INCUB, start month inclusive); None without a start."""
    if start is None:
        return None
    return (month.year - start.year) * 12 + month.month - start.month + 1


def evaluate_revenue(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, bool, dict[str, Any]]:
    incubation_months = book.integer("incubation_months")
    index = incubation_month_index(start=inputs.incubation_start, month=inputs.month)
    if index is not None and 1 <= index <= incubation_months:
        points = book.number("revenue_score_max")
        detail = (
            f"培育期第 {index}/{incubation_months} 个月（合同 {inputs.incubation_start:%Y-%m} 起，含当月）"
            f"→ 收入规模计满分 {fmt_points(points)}（收入 {fmt_wan(inputs.revenue)} 万元）"
        )
        return points, True, breakdown_item(book.rule_id("incubation_months"), points_value(points), detail)
    points = to_decimal(book.brackets("revenue_score_brackets").lookup(inputs.revenue))
    detail = f"信息费收入 {fmt_wan(inputs.revenue)} 万元（{fmt_number(inputs.revenue)} 元）→ {fmt_points(points)}"
    if index is not None and index > incubation_months:
        detail += f"（培育期已过：第 {index} 个月）"
    return points, False, breakdown_item(book.rule_id("revenue_score_brackets"), points_value(points), detail)


def health_ratio(*, revenue: Decimal, complaint_count: int, book: RuleBook) -> tuple[Decimal, Decimal, Decimal]:
    """R-M-HEALTH's 质万比 unrounded, with the revenue it is taken on (never below the floor) and the unit."""
    unit = book.number("health_ratio_revenue_unit")
    base = max(revenue, book.number("health_revenue_floor"))
    return Decimal(complaint_count) * unit / base, base, unit


def evaluate_health(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, Decimal, dict[str, Any]]:
    floor = book.number("health_revenue_floor")
    ratio, base, unit = health_ratio(revenue=inputs.revenue, complaint_count=inputs.complaint_count, book=book)
    points = to_decimal(book.brackets("health_ratio_brackets").lookup(ratio))
    base_text = fmt_number(base, 0) if base == base.to_integral_value() else fmt_number(base)
    detail = (
        f"质万比 {fmt_number(ratio)} ({inputs.complaint_count} 件 × {fmt_points(unit)} / {base_text} 元)"
        f" → {fmt_points(points)}"
    )
    if inputs.revenue < floor:
        floor_text = fmt_number(floor, 0)
        detail += f"（收入 {fmt_number(inputs.revenue)} 元低于 {floor_text} 元，按 {floor_text} 元计）"
    return points, ratio.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP), breakdown_item(
        book.rule_id("health_ratio_brackets"), points_value(points), detail
    )


def counted_cash_contribution(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, bool]:
    """The cash revenue the bonus line counts, and whether a sales channel's ad sales are in it (R-M-ADS)."""
    ads_counted = (
        book.flag("ads_count_as_cash") and inputs.cooperation_type == SALES_CHANNEL and inputs.ad_sales > 0
    )
    return inputs.cash_contribution + (inputs.ad_sales if ads_counted else Decimal(0)), ads_counted


def evaluate_bonus(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, list[dict[str, Any]]]:
    rule = book.rule_id("bonus_cap")
    items: list[dict[str, Any]] = []

    marketing = book.number("bonus_marketing_points") if inputs.marketing_resources else Decimal(0)
    items.append(breakdown_item(rule, points_value(marketing), "提供咪咕重点营销资源 → " + fmt_points(marketing)
                      if inputs.marketing_resources else "未提供重点营销资源 → 0"))

    cash, ads_counted = counted_cash_contribution(inputs, book)
    cash_points = to_decimal(book.brackets("bonus_cash_brackets").lookup(cash))
    cash_detail = f"带来现金收入 {fmt_wan(cash)} 万元"
    if ads_counted:
        cash_detail += (
            f"（含销售渠道广告销售额 {fmt_wan(inputs.ad_sales)} 万元，{book.rule_id('ads_count_as_cash')}）"
        )
    elif inputs.ad_sales > 0:
        cash_detail += f"（广告销售额 {fmt_wan(inputs.ad_sales)} 万元非销售渠道，不计入）"
    items.append(breakdown_item(rule, points_value(cash_points), f"{cash_detail} → {fmt_points(cash_points)}"))

    users_points = to_decimal(book.brackets("bonus_active_users_brackets").lookup(inputs.active_users))
    items.append(breakdown_item(rule, points_value(users_points),
                      f"带来客户端活跃用户 {fmt_number(Decimal(inputs.active_users) / 10000)} 万 → "
                      f"{fmt_points(users_points)}"))

    total = marketing + cash_points + users_points
    if (
        book.flag("bonus_no_double_count")
        and inputs.marketing_resources
        and inputs.marketing_includes_client_promotion
        and marketing > 0
        and users_points > 0
    ):
        dropped = min(marketing, users_points)
        total -= dropped
        items.append(breakdown_item(
            book.rule_id("bonus_no_double_count"), points_value(-dropped),
            f"营销资源含客户端推广资源：营销资源（{fmt_points(marketing)}）与活跃用户（{fmt_points(users_points)}）"
            f"只计较高一项，不计 {fmt_points(dropped)}",
        ))
    bonus_cap = book.number("bonus_cap")
    if total > bonus_cap:
        items.append(breakdown_item(rule, points_value(bonus_cap - total),
                                    f"综合贡献加分合计 {fmt_points(total)} 超过上限 "
                                    f"{fmt_points(bonus_cap)} → {fmt_points(bonus_cap)}"))
        total = bonus_cap
    return total, items


def _negated(value: Decimal) -> Decimal:
    """A deduction as negative points, without a "-0" when there is nothing to deduct."""
    return -value if value else value


def evaluate_deductions(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, list[dict[str, Any]]]:
    per_ticket = book.number("deduction_per_late_or_quality_ticket")
    per_upgrade = book.number("deduction_per_upgraded_complaint")
    late = per_ticket * inputs.late_or_quality_count
    upgraded = per_upgrade * len(inputs.upgraded_ticket_ids)
    items = [
        breakdown_item(book.rule_id("deduction_per_late_or_quality_ticket"), points_value(_negated(late)),
             f"工单处理延时或处理品质不达标 {inputs.late_or_quality_count} 次 × {fmt_points(per_ticket)} → "
             f"{fmt_points(_negated(late))}"),
    ]
    detail = (f"升级投诉 {len(inputs.upgraded_ticket_ids)} 件 × {fmt_points(per_upgrade)} → "
              f"{fmt_points(_negated(upgraded))}")
    if inputs.upgraded_ticket_ids:
        shown = "、".join(inputs.upgraded_ticket_ids[:10])
        more = f" 等 {len(inputs.upgraded_ticket_ids)} 件" if len(inputs.upgraded_ticket_ids) > 10 else ""
        detail += f"（工单 {shown}{more}；每件只计入一次月度考核，R-M-UPGRADE-ONCE）"
    items.append(
        breakdown_item(book.rule_id("deduction_per_upgraded_complaint"), points_value(_negated(upgraded)), detail)
    )
    return late + upgraded, items


def evaluate_assessment(inputs: AssessmentInputs, book: RuleBook) -> AssessmentResult:
    """One partner-type's month → scores with a breakdown whose points add up to the total (R-M-TOTAL)."""
    revenue_score, incubation, revenue_item = evaluate_revenue(inputs, book)
    health_score, ratio, health_item = evaluate_health(inputs, book)
    bonus_score, bonus_items = evaluate_bonus(inputs, book)
    deduction_score, deduction_items = evaluate_deductions(inputs, book)
    items = [revenue_item, health_item, *bonus_items, *deduction_items]
    raw = revenue_score + health_score + bonus_score - deduction_score
    low, high = book.number("total_min"), book.number("total_max")
    total = clamp(raw, low, high)
    if total != raw:
        bound = "低于下限" if raw < low else "超过上限"
        items.append(breakdown_item(book.rule_id("total_max"), points_value(total - raw),
                          f"合计 {fmt_points(raw)} {bound}，取 {fmt_points(total)}（总分限定 {fmt_points(low)}–"
                          f"{fmt_points(high)}）"))
    return AssessmentResult(
        revenue_score=revenue_score,
        health_ratio=ratio,
        health_score=health_score,
        bonus_score=bonus_score,
        deduction_score=deduction_score,
        total=total,
        incubation=incubation,
        items=items,
    )


# --- The partner's path to the next bracket (R-M-*) and to the next warning level (R-D-WARN, R-D-NOTIFY) ----------
#
# Read-only companions of the evaluators above: every threshold comes from the same rule book, and every "what it
# adds to the total" is the evaluator itself run again with the one input moved to its target, so the bonus cap
# (R-M-BONUS), the higher-of-two rule (R-M-NODOUBLE) and the 0–100 clamp (R-M-TOTAL) apply exactly as in the job.

ONE = Decimal(1)


@dataclass(frozen=True)
class NextBracket:
    """A value's bracket and the next better one: the threshold the value must pass, and how (≥ > ≤ <).

    ``next_points`` is None when the value is already in the best bracket.
    """

    points: Decimal
    next_points: Decimal | None = None
    threshold: Decimal | None = None
    comparison: str | None = None


def next_bracket(brackets: Brackets, value: Any) -> NextBracket:
    """The next bracket with more points than ``value``'s, for rising (revenue) and falling (health ratio) tables.

    Rising: bracket j starts at ``thresholds[j-1]`` (≥ with ``closed="left"``, > with ``"right"``). Falling: the
    better bracket j ends at ``thresholds[j]`` (≤ with ``closed="right"``, < with ``"left"``).
    """
    index = brackets.index(value)
    points = [to_decimal(p) for p in brackets.points]
    rising = points[-1] >= points[0]
    step = 1 if rising else -1
    j = index + step
    while 0 <= j < len(points) and points[j] <= points[index]:
        j += step
    if not 0 <= j < len(points):
        return NextBracket(points[index])
    if rising:
        return NextBracket(points[index], points[j], brackets.thresholds[j - 1],
                           "≥" if brackets.closed == "left" else ">")
    return NextBracket(points[index], points[j], brackets.thresholds[j], "≤" if brackets.closed == "right" else "<")


def value_to_reach(threshold: Decimal, comparison: str, quantum: Decimal) -> Decimal:
    """The nearest value on ``quantum``'s grid (1 件, 0.01 元) that satisfies ``value <comparison> threshold``."""
    if comparison == "≥":
        return threshold.quantize(quantum, rounding=ROUND_CEILING)
    if comparison == ">":
        return threshold.quantize(quantum, rounding=ROUND_FLOOR) + quantum
    if comparison == "≤":
        return threshold.quantize(quantum, rounding=ROUND_FLOOR)
    if comparison == "<":
        return threshold.quantize(quantum, rounding=ROUND_CEILING) - quantum
    raise ValueError(f"comparison: unknown '{comparison}'")


def _plain(value: Decimal, quantum: Decimal) -> str:
    """A path value as a decimal string: 元 with 2 places, counts as integers."""
    return str(to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def _target(field: str, current: Decimal, target: Decimal, comparison: str, quantum: Decimal) -> dict[str, Any]:
    return {"input": field, "comparison": comparison, "current": _plain(current, quantum),
            "target": _plain(target, quantum), "change": _plain(target - current, quantum)}


def _path_entry(*, item: str, rule: str, book: RuleBook, status: str, points: Decimal, detail: str,
                next_points: Decimal | None = None, total_gain: Decimal = Decimal(0),
                targets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "item": item,
        "rule": rule,
        "rule_set_version": book.version,
        "status": status,
        "points": points_value(points),
        "next_points": points_value(next_points) if next_points is not None else None,
        "points_gain": points_value(next_points - points) if next_points is not None else 0,
        "total_gain": points_value(total_gain),
        "targets": targets or [],
        "detail": detail,
    }


def assessment_next_bracket_path(*, inputs: AssessmentInputs, book: RuleBook) -> dict[str, Any]:
    """Per item of the monthly scorecard: the value its input must reach for the next bracket, the points that
    adds to the item and to the total, all from ``book`` (the rule set the assessment was computed with).

    Items at their best bracket say so (``top``); the incubation revenue score is full marks (``incubation``);
    deductions already incurred cannot be lifted by the partner (``incurred``).
    """
    base = evaluate_assessment(inputs, book)
    cap_rule, total_rule = book.rule_id("bonus_cap"), book.rule_id("total_max")
    lifted: dict[str, Any] = {}

    def lift(**changes: Any) -> tuple[Decimal, list[str]]:
        """The total's change with only ``changes`` applied, and what in the evaluator limits it."""
        lifted.update(changes)
        after = evaluate_assessment(replace(inputs, **changes), book)
        limits = []
        if any(line["rule"] == book.rule_id("bonus_no_double_count") for line in after.items):
            limits.append(f"营销资源与活跃用户只计较高一项（{book.rule_id('bonus_no_double_count')}）")
        if any(line["rule"] == cap_rule and line["points"] < 0 for line in after.items):
            limits.append(f"综合贡献加分上限 {fmt_points(book.number('bonus_cap'))} 分（{cap_rule}）")
        if any(line["rule"] == total_rule for line in after.items):
            limits.append(f"总分限定 {fmt_points(book.number('total_min'))}–{fmt_points(book.number('total_max'))}"
                          f" 分（{total_rule}）")
        return after.total - base.total, limits

    def gained(points: Decimal, next_points: Decimal, total_gain: Decimal, limits: list[str]) -> str:
        text = (f"得分 {fmt_points(points)} → {fmt_points(next_points)}（+{fmt_points(next_points - points)}），"
                f"总分 +{fmt_points(total_gain)}")
        if total_gain < next_points - points and limits:
            text += "（受" + "、".join(limits) + "限制）"
        return text

    items: list[dict[str, Any]] = []

    # R-M-REV / R-M-INCUB
    if base.incubation:
        items.append(_path_entry(
            item=PathItem.REVENUE, rule=book.rule_id("incubation_months"), book=book, status=PathStatus.INCUBATION,
            points=base.revenue_score,
            detail=f"培育期内收入规模计满分 {fmt_points(base.revenue_score)}，无需提升",
        ))
    else:
        step = next_bracket(book.brackets("revenue_score_brackets"), inputs.revenue)
        rule = book.rule_id("revenue_score_brackets")
        if step.next_points is None:
            items.append(_path_entry(
                item=PathItem.REVENUE, rule=rule, book=book, status=PathStatus.TOP, points=step.points,
                detail=f"信息费收入 {fmt_wan(inputs.revenue)} 万元，已在最高档（{fmt_points(step.points)} 分）",
            ))
        else:
            target = value_to_reach(step.threshold, step.comparison, CENT)
            total_gain, limits = lift(revenue=target)
            items.append(_path_entry(
                item=PathItem.REVENUE, rule=rule, book=book, status=PathStatus.NEXT, points=step.points,
                next_points=step.next_points, total_gain=total_gain,
                targets=[_target(PathInput.REVENUE, inputs.revenue, target, step.comparison, CENT)],
                detail=(f"信息费收入 {fmt_wan(inputs.revenue)} 万元，须达到 {step.comparison} "
                        f"{fmt_wan(target)} 万元（还差 {fmt_number(target - inputs.revenue)} 元）："
                        + gained(step.points, step.next_points, total_gain, limits)),
            ))

    # R-M-HEALTH: the ratio falls with fewer tickets or more revenue
    ratio, revenue_base, unit = health_ratio(revenue=inputs.revenue, complaint_count=inputs.complaint_count, book=book)
    step = next_bracket(book.brackets("health_ratio_brackets"), ratio)
    rule = book.rule_id("health_ratio_brackets")
    if step.next_points is None:
        items.append(_path_entry(
            item=PathItem.HEALTH, rule=rule, book=book, status=PathStatus.TOP, points=step.points,
            detail=f"质万比 {fmt_number(ratio)}，已在最高档（{fmt_points(step.points)} 分）",
        ))
    else:
        targets = []
        tickets = value_to_reach(step.threshold * revenue_base / unit, step.comparison, ONE)
        if tickets >= 0:
            targets.append(_target(PathInput.COMPLAINT_COUNT, Decimal(inputs.complaint_count), tickets, "≤", ONE))
        needed_revenue = None
        if inputs.complaint_count and step.threshold > 0:
            needed_revenue = value_to_reach(Decimal(inputs.complaint_count) * unit / step.threshold,
                                            "≥" if step.comparison == "≤" else ">", CENT)
            targets.append(_target(PathInput.REVENUE, inputs.revenue, needed_revenue, "≥", CENT))
        ways = []
        if tickets >= 0:
            ways.append(f"不知情订购投诉不超过 {tickets} 件（现 {inputs.complaint_count} 件）")
        if needed_revenue is not None:
            ways.append(f"或按现投诉量信息费收入达到 {fmt_number(needed_revenue)} 元")
        total_gain, limits = (lift(complaint_count=int(tickets)) if tickets >= 0
                              else lift(revenue=needed_revenue))
        items.append(_path_entry(
            item=PathItem.HEALTH, rule=rule, book=book, status=PathStatus.NEXT, points=step.points,
            next_points=step.next_points, total_gain=total_gain, targets=targets,
            detail=(f"质万比 {fmt_number(ratio)}，须 {step.comparison} {fmt_number(step.threshold)}："
                    + "，".join(ways) + "；" + gained(step.points, step.next_points, total_gain, limits)),
        ))

    # R-M-BONUS, three lines (R-M-NODOUBLE, R-M-ADS and the cap apply through the evaluator)
    marketing_points = book.number("bonus_marketing_points")
    if inputs.marketing_resources:
        items.append(_path_entry(
            item=PathItem.BONUS_MARKETING, rule=cap_rule, book=book, status=PathStatus.TOP, points=marketing_points,
            detail=f"已提供重点营销资源，计 {fmt_points(marketing_points)} 分（该项只有一档）",
        ))
    else:
        total_gain, limits = lift(marketing_resources=True)
        items.append(_path_entry(
            item=PathItem.BONUS_MARKETING, rule=cap_rule, book=book, status=PathStatus.NEXT, points=Decimal(0),
            next_points=marketing_points, total_gain=total_gain,
            targets=[{"input": PathInput.MARKETING_RESOURCES, "comparison": "=", "current": "false",
                      "target": "true", "change": "true"}],
            detail="提供咪咕重点营销资源（须经部门总监或专题会认定）：" + gained(Decimal(0), marketing_points,
                                                                           total_gain, limits),
        ))

    cash, ads_counted = counted_cash_contribution(inputs, book)
    step = next_bracket(book.brackets("bonus_cash_brackets"), cash)
    ads_note = f"（含广告销售额，{book.rule_id('ads_count_as_cash')}）" if ads_counted else ""
    if step.next_points is None:
        items.append(_path_entry(
            item=PathItem.BONUS_CASH, rule=cap_rule, book=book, status=PathStatus.TOP, points=step.points,
            detail=f"带来现金收入 {fmt_wan(cash)} 万元{ads_note}，已在最高档（{fmt_points(step.points)} 分）",
        ))
    else:
        target = value_to_reach(step.threshold, step.comparison, CENT)
        total_gain, limits = lift(cash_contribution=inputs.cash_contribution + target - cash)
        items.append(_path_entry(
            item=PathItem.BONUS_CASH, rule=cap_rule, book=book, status=PathStatus.NEXT, points=step.points,
            next_points=step.next_points, total_gain=total_gain,
            targets=[_target(PathInput.CASH_CONTRIBUTION, cash, target, step.comparison, CENT)],
            detail=(f"带来现金收入 {fmt_wan(cash)} 万元{ads_note}，须达到 {step.comparison} {fmt_wan(target)} 万元"
                    f"（还差 {fmt_number(target - cash)} 元）：" + gained(step.points, step.next_points, total_gain,
                                                                       limits)),
        ))

    users = Decimal(inputs.active_users)
    step = next_bracket(book.brackets("bonus_active_users_brackets"), users)
    if step.next_points is None:
        items.append(_path_entry(
            item=PathItem.BONUS_ACTIVE_USERS, rule=cap_rule, book=book, status=PathStatus.TOP, points=step.points,
            detail=f"带来客户端活跃用户 {inputs.active_users} 人，已在最高档（{fmt_points(step.points)} 分）",
        ))
    else:
        target = value_to_reach(step.threshold, step.comparison, ONE)
        total_gain, limits = lift(active_users=int(target))
        items.append(_path_entry(
            item=PathItem.BONUS_ACTIVE_USERS, rule=cap_rule, book=book, status=PathStatus.NEXT, points=step.points,
            next_points=step.next_points, total_gain=total_gain,
            targets=[_target(PathInput.ACTIVE_USERS, users, target, step.comparison, ONE)],
            detail=(f"带来客户端活跃用户 {inputs.active_users} 人，须达到 {step.comparison} {target} 人"
                    f"（还差 {target - users} 人）：" + gained(step.points, step.next_points, total_gain, limits)),
        ))

    # R-M-DED: a deduction of the month is a fact, not a bracket
    for item, key, count, what in (
        (PathItem.DEDUCTION_LATE_OR_QUALITY, "deduction_per_late_or_quality_ticket", inputs.late_or_quality_count,
         "工单处理延时或品质不达标"),
        (PathItem.DEDUCTION_UPGRADED, "deduction_per_upgraded_complaint", len(inputs.upgraded_ticket_ids),
         "升级投诉"),
    ):
        deducted = book.number(key) * count
        if count:
            items.append(_path_entry(
                item=item, rule=book.rule_id(key), book=book, status=PathStatus.INCURRED, points=_negated(deducted),
                detail=f"{what} {count} 次已扣 {fmt_points(deducted)} 分：本月已发生，合作方不能挽回",
            ))
        else:
            items.append(_path_entry(
                item=item, rule=book.rule_id(key), book=book, status=PathStatus.NO_DEDUCTION, points=Decimal(0),
                detail=f"本月无{what}，未扣分",
            ))

    low, high = book.number("total_min"), book.number("total_max")
    all_lifted = evaluate_assessment(replace(inputs, **lifted), book).total if lifted else base.total
    return {
        "total": points_value(base.total),
        "total_max": points_value(high),
        "points_to_max": points_value(high - base.total),
        "total_if_all_lifted": points_value(all_lifted),
        # RULES.md sets no bands or grades on the monthly total (R-M-TOTAL only bounds it): there is no next band
        "next_band": None,
        "band_rule": total_rule,
        "band_detail": (f"月度考核总分未设分档（{total_rule} 只限定 {fmt_points(low)}–{fmt_points(high)} 分），"
                        f"没有下一档；各项升一档后总分可达 {fmt_points(all_lifted)} 分"),
        "items": items,
        "rules": sorted({entry["rule"] for entry in items} | {total_rule}),
        "rule_set_version": book.version,
    }


MEASURE_LABELS = {"promote": "暂停推广", "apply_codes": "暂停新代码申请"}


def warning_next_level_path(*, notification_count: int, book: RuleBook) -> dict[str, Any]:
    """The notifications left before the month's next warning level and what that level brings (R-D-WARN)."""
    rule = book.rule_id("warning_levels")
    row = table_row_for(book.rows("warning_levels"), "min_notifications", notification_count)
    level = int(row["level"]) if row else 0
    upcoming = [(lvl, minimum) for lvl, minimum in warning_thresholds(book) if minimum > notification_count]
    path: dict[str, Any] = {"notification_count": notification_count, "level": level, "rule": rule,
                            "rule_set_version": book.version}
    if not upcoming:
        return {**path, "status": PathStatus.TOP, "next_level": None, "next_level_at": None,
                "notifications_to_next_level": None, "notifications_left_before_next_level": None,
                "next_level_measures": [], "next_level_payout_percent": None,
                "detail": f"当月累计通报 {notification_count} 次，已达最高预警级别 {level} 级"}
    next_level, minimum = upcoming[0]
    measures, payout = warning_measures(level=next_level, book=book)
    to_next = minimum - notification_count
    suspensions = "、".join(
        f"{MEASURE_LABELS.get(m['action'], m['action'])} {fmt_duration(m['duration'])}" for m in measures
    )
    return {
        **path,
        "status": PathStatus.NEXT,
        "next_level": next_level,
        "next_level_at": minimum,
        "notifications_to_next_level": to_next,
        "notifications_left_before_next_level": to_next - 1,
        "next_level_measures": [{**m, "duration_text": fmt_duration(m["duration"])} for m in measures],
        "next_level_payout_percent": points_value(payout),
        "detail": (f"当月累计通报 {notification_count} 次，再通报 {to_next} 次（累计 {minimum} 次）即达到 "
                   f"{next_level} 级预警：{suspensions}，当月结算按 {fmt_points(payout)}% 支付"
                   f"（处罚建议报分管领导审批）"),
    }


def daily_next_notification_path(*, complaint_count: int, book: RuleBook) -> dict[str, Any]:
    """A day's unknowing-subscription tickets so far and how many more make the next notification (R-D-NOTIFY)."""
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    notifications = steps_over_threshold(complaint_count, threshold, step)
    next_at = threshold + notifications * step
    to_next = next_at - complaint_count
    return {
        "complaint_count": complaint_count,
        "notifications": notifications,
        "next_notification_at": next_at,
        "complaints_to_next_notification": to_next,
        "complaints_left_before_next_notification": to_next - 1,
        "rule": book.rule_id("notify_threshold"),
        "rule_set_version": book.version,
        "detail": (f"当日不知情订购投诉 {complaint_count} 件 → 通报 {notifications} 次；再有 {to_next} 件"
                   f"（当日累计 {next_at} 件）即再通报 1 次（≥{threshold} 件通报 1 次，每再增 {step} 件加 1 次）"),
    }
