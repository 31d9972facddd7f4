"""Pure evaluators for business codes (R-B-*): plain values in, a verdict with its breakdown out, no ORM.

Every threshold comes in as an argument read from the rule set in force; each result carries items
``{"rule", "passed", "detail"}`` so staff and partners can see why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.rulebook import breakdown_item, money, to_decimal, wan


def average(values: Sequence[int]) -> Decimal:
    return money(Decimal(sum(values)) / Decimal(len(values))) if values else Decimal("0.00")


# R-B-FIRST ---------------------------------------------------------------------------------------------


def first_batch_limit(rows: Sequence[Mapping[str, Any]], *, cooperation_type: str, partner_class: str,
                      kind: str) -> int | None:
    """The first-batch limit for a partner kind and code kind, or None when the rule set has no row for it."""
    for row in rows:
        if row["cooperation_type"] == cooperation_type and row["partner_class"] in (partner_class, "*"):
            return int(to_decimal(row[kind]))
    return None


def evaluate_first_batch(*, limit: int | None, used: int, partner_kind: str, kind_label: str,
                         rule: str) -> dict[str, Any]:
    """Within the first-batch limit when the codes already granted or pending leave room for this one."""
    if limit is None:
        return breakdown_item(rule, None, f"{partner_kind}：规则集未规定{kind_label}代码首批限额", passed=False)
    passed = used < limit
    verdict = f"本次为第 {used + 1} 个，在首批限额内" if passed else "已用满首批限额，按追加申请审核（R-B-MORE）"
    detail = f"{partner_kind}首批限额：{kind_label} {limit} 个；已分配或申请中 {used} 个；{verdict}"
    return breakdown_item(rule, None, detail, passed=passed)


# R-B-MORE ----------------------------------------------------------------------------------------------


def evaluate_more_monthly(*, users_by_code: Sequence[tuple[str, int]], min_per_code: int, min_average: int,
                          month_label: str, rule: str) -> dict[str, Any]:
    """Every allocated monthly code ≥ min_per_code users and their average ≥ min_average (month_label's stats)."""
    if not users_by_code:
        return breakdown_item(rule, None, "收入条件：尚无已分配的包月代码，无法按收入追加", passed=False)
    values = [users for _, users in users_by_code]
    avg = average(values)
    low = [f"{code} {users}" for code, users in users_by_code if users < min_per_code]
    passed = not low and avg >= min_average
    listing = "，".join(f"{code} {users}" for code, users in users_by_code)
    detail = (
        f"收入条件（{month_label} 用户数）：已分配包月代码 {len(values)} 个（{listing}）；"
        f"要求每个 ≥ {min_per_code}、平均 ≥ {min_average}；平均 {avg}"
    )
    if low:
        detail += f"；未达每个 {min_per_code}：{'，'.join(low)}"
    return breakdown_item(rule, None, detail, passed=passed)


def evaluate_more_per_use(*, orders_by_code: Sequence[tuple[str, int]], min_average: int, month_label: str,
                          rule: str) -> dict[str, Any]:
    """Allocated per-use codes average ≥ min_average orders in the month."""
    if not orders_by_code:
        return breakdown_item(rule, None, "收入条件：尚无已分配的按次代码，无法按收入追加", passed=False)
    values = [orders for _, orders in orders_by_code]
    avg = average(values)
    listing = "，".join(f"{code} {orders}" for code, orders in orders_by_code)
    detail = (
        f"收入条件（{month_label} 订购次数）：已分配按次代码 {len(values)} 个（{listing}）；"
        f"要求月均 ≥ {min_average}；平均 {avg}"
    )
    return breakdown_item(rule, None, detail, passed=avg >= min_average)


def evaluate_more_contribution(*, total: Decimal, per_code: Decimal, used: int, period: str,
                               rule: str) -> dict[str, Any]:
    """One code per full ``per_code`` of purchases + ads in the contract period, less codes already granted."""
    total = money(total)
    earned = int(total // per_code) if per_code > 0 else 0
    remaining = max(earned - used, 0)
    detail = (
        f"资源贡献条件（合同期 {period}）：采购咪咕产品/服务与投放广告合计 {wan(total)}；"
        f"每满 {wan(per_code)} 可申请 1 个，可得 {earned} 个；已按此依据分配或申请中 {used} 个；剩余 {remaining} 个"
    )
    return breakdown_item(rule, None, detail, passed=remaining > 0)


# R-B-YEAREND -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearEndVerdict:
    recycle: bool
    average: Decimal
    items: list[dict[str, Any]] = field(default_factory=list)


def evaluate_year_end(*, code: str, months: Sequence[tuple[str, int | None]], min_average: int,
                      in_force_since: str, rule: str) -> YearEndVerdict:
    """Recycle a monthly code in force > 1 year whose last-months average is below ``min_average``.

    ``months`` is ``[(YYYY-MM, users or None when no statistics were imported)]``; a missing month counts 0.
    """
    values = [users or 0 for _, users in months]
    avg = average(values)
    listing = "，".join(f"{label} {users if users is not None else '0（无统计）'}" for label, users in months)
    recycle = avg < min_average
    verdict = "低于" if recycle else "不低于"
    detail = (
        f"{code} 自 {in_force_since} 生效已满一年；近 {len(values)} 个月用户数：{listing}；"
        f"月均 {avg}，{verdict} {min_average}"
    )
    return YearEndVerdict(recycle=recycle, average=avg, items=[breakdown_item(rule, None, detail, passed=recycle)])


# R-B-EXIT ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitDisposition:
    action: str  # codes.choices.ProposalAction value
    batches: int
    items: list[dict[str, Any]] = field(default_factory=list)


def exit_disposition(
    *,
    kind: str,
    category: str,
    users: int,
    for_violation: bool,
    service_can_continue: bool,
    min_users: int,
    batch_size: int,
    own_channel_excluded: Sequence[str],
    rule: str,
) -> ExitDisposition:
    """What happens to one code when its partner exits (R-B-EXIT), with the reason.

    Violations, per-use codes and monthly codes under ``min_users`` are recycled at once. Monthly codes
    at or above it stop taking new users and continue under own-channel settlement when service can go on
    and the category allows it; otherwise users are unsubscribed (in batches of ``batch_size``) and the
    code recycled.
    """
    if for_violation:
        return ExitDisposition(
            "recycle", 0, [breakdown_item(rule, None, "合作方因违规清退：全部代码立即回收", passed=True)]
        )
    if kind == "per_use":
        return ExitDisposition("recycle", 0, [breakdown_item(rule, None, "按次代码：立即回收", passed=True)])
    if users < min_users:
        return ExitDisposition(
            "recycle", 0, [breakdown_item(rule, None, f"包月代码用户数 {users} < {min_users}：立即回收", passed=True)]
        )
    head = f"包月代码用户数 {users} ≥ {min_users}：停止新增用户"
    if service_can_continue and category not in own_channel_excluded:
        return ExitDisposition(
            "continue_own_channel", 0,
            [breakdown_item(
                rule, None, f"{head}；内容可继续提供，存量用户转咪咕自有渠道结算，此后适用年末清理（R-B-YEAREND）",
                passed=True,
            )],
        )
    why = "联合会员代码不转自有渠道结算" if category in own_channel_excluded else "无法继续为存量用户服务"
    batches = math.ceil(users / batch_size) if users > batch_size else 1
    in_batches = f"，超过 {batch_size} 户分 {batches} 批退订" if users > batch_size else ""
    return ExitDisposition(
        "unsubscribe_and_recycle", batches,
        [breakdown_item(rule, None, f"{head}；{why}：退订后回收{in_batches}", passed=True)],
    )
