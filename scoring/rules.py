"""Scoring's pure evaluators (R-D-NOTIFY, R-D-WARN, R-M-*): plain values in, plain values out, no ORM.

The rule engine they read their numbers through (``RuleBook``, brackets, money, breakdown lines) is
``core.rulebook``. All arithmetic is ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.rulebook import (
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


def evaluate_health(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, Decimal, dict[str, Any]]:
    unit = book.number("health_ratio_revenue_unit")
    floor = book.number("health_revenue_floor")
    base = max(inputs.revenue, floor)
    ratio = Decimal(inputs.complaint_count) * unit / base
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


def evaluate_bonus(inputs: AssessmentInputs, book: RuleBook) -> tuple[Decimal, list[dict[str, Any]]]:
    rule = book.rule_id("bonus_cap")
    items: list[dict[str, Any]] = []

    marketing = book.number("bonus_marketing_points") if inputs.marketing_resources else Decimal(0)
    items.append(breakdown_item(rule, points_value(marketing), "提供咪咕重点营销资源 → " + fmt_points(marketing)
                      if inputs.marketing_resources else "未提供重点营销资源 → 0"))

    ads_counted = (
        book.flag("ads_count_as_cash") and inputs.cooperation_type == SALES_CHANNEL and inputs.ad_sales > 0
    )
    cash = inputs.cash_contribution + (inputs.ad_sales if ads_counted else Decimal(0))
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
             f"工单处理超时或质量不达标 {inputs.late_or_quality_count} 件 × {fmt_points(per_ticket)} → "
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
