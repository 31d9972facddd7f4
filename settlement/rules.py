"""Pure settlement arithmetic (R-S-*): plain values in, amounts with their breakdown out. No ORM.

One rounding rule: ``core.rulebook.money`` (元, 2 places, ROUND_HALF_UP), applied once to each product
(revenue × share; × warning payout percent; × extra-deduction percent). Everything after that is addition and
subtraction of amounts already rounded to the fen, so every total is exact.

Order of a month (per contract):
1. payable  = money(revenue × revenue share)                         R-S-BASE
2. settled  = money(payable × warning payout percent ÷ 100)          R-S-WARN (highest warning level of the month)
3. − Σ money(settled × decided percent ÷ 100)                        R-S-EXTRA (each decision ≥ the rule's minimum)
   − Σ write-downs                                                   R-S-NEG
   ± adjustment lines                                                (the rule each line corrects)
   + brought forward (the previous month's negative balance, ≤ 0)    R-S-NEG
   ± offsets decided between the partner's contracts                 R-S-NEG
   = balance
4. stopped (major-violation termination, R-X-EXIT): nothing is paid; a positive balance is recorded as stopped,
   a negative one is still carried; amounts held earlier stay held (their fate is part of the termination).
   on hold (credit sanction, R-S-HOLD): total = held before + balance; a positive total is held, not lost.
   otherwise: total = held before + balance; a positive total is paid (releasing what was held), a negative total
   is carried forward to the next month (R-S-NEG; when the rule set switches carrying off it is written off).

The items add up: Σ item ``points`` = ``amount_due`` exactly (carrying, holding and stopping appear as lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from core.rulebook import breakdown_item, money

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StatementInputs:
    revenue: Decimal
    revenue_share: Decimal
    warning_level: int = 0
    warning_percent: Decimal = HUNDRED
    extra_percents: tuple[tuple[Decimal, str], ...] = ()
    write_downs: tuple[tuple[Decimal, str], ...] = ()
    adjustments: tuple[tuple[Decimal, str, str], ...] = ()
    brought_forward: Decimal = ZERO
    held_before: Decimal = ZERO
    revenue_note: str = ""


@dataclass(frozen=True)
class RuleIds:
    base: str = "R-S-BASE"
    warn: str = "R-S-WARN"
    extra: str = "R-S-EXTRA"
    neg: str = "R-S-NEG"
    hold: str = "R-S-HOLD"
    exit: str = "R-X-EXIT"


@dataclass(frozen=True)
class Statement:
    revenue: Decimal
    revenue_share: Decimal
    payable: Decimal
    warning_level: int
    warning_percent: Decimal
    settled: Decimal
    extra_deductions: Decimal
    write_downs: Decimal
    adjustments: Decimal
    brought_forward: Decimal
    held_before: Decimal
    offsets: Decimal = ZERO
    balance: Decimal = ZERO
    released: Decimal = ZERO
    held_balance: Decimal = ZERO
    stopped_amount: Decimal = ZERO
    amount_due: Decimal = ZERO
    carried_forward: Decimal = ZERO
    on_hold: bool = False
    stopped: bool = False
    items: tuple[dict, ...] = field(default_factory=tuple)

    def with_item(self, rule: str, amount: Decimal, detail: str) -> Statement:
        return replace(self, items=(*self.items, breakdown_item(rule, str(money(amount)), detail)))


def statement_base(inputs: StatementInputs, ids: RuleIds = RuleIds()) -> Statement:
    """Steps 1–3 without offsets: the month's own result plus what was brought forward."""
    items: list[dict] = []
    payable = money(inputs.revenue * inputs.revenue_share)
    note = f"；{inputs.revenue_note}" if inputs.revenue_note else ""
    items.append(breakdown_item(ids.base, str(money(payable)),
                      f"信息费收入 {money(inputs.revenue)} 元 × 分成比例 {inputs.revenue_share}{note}"))
    settled = money(payable * inputs.warning_percent / HUNDRED)
    items.append(breakdown_item(ids.warn, str(money(settled - payable)),
                      f"当月最高预警级别 {inputs.warning_level}，结算比例 {inputs.warning_percent.normalize():f}%，"
                      f"预警后结算额 {settled} 元"))
    extra_total = ZERO
    for percent, detail in inputs.extra_percents:
        amount = money(settled * percent / HUNDRED)
        extra_total += amount
        why = f"额外扣减当月结算额的 {percent.normalize():f}%：{detail}"
        items.append(breakdown_item(ids.extra, str(money(-amount)), why))
    write_down_total = ZERO
    for amount, detail in inputs.write_downs:
        write_down_total += money(amount)
        items.append(breakdown_item(ids.neg, str(-money(amount)), f"中国移动收入核减：{detail}"))
    adjustment_total = ZERO
    for amount, rule, detail in inputs.adjustments:
        adjustment_total += money(amount)
        items.append(breakdown_item(rule, str(money(amount)), f"结算调整：{detail}"))
    brought = money(inputs.brought_forward)
    if brought:
        items.append(breakdown_item(ids.neg, str(money(brought)), "上期负结算结转"))
    balance = settled - extra_total - write_down_total + adjustment_total + brought
    return Statement(
        revenue=money(inputs.revenue), revenue_share=inputs.revenue_share, payable=payable,
        warning_level=inputs.warning_level, warning_percent=inputs.warning_percent, settled=settled,
        extra_deductions=extra_total, write_downs=write_down_total, adjustments=adjustment_total,
        brought_forward=brought, held_before=money(inputs.held_before), balance=balance, items=tuple(items),
    )


def apply_offset(source: Statement, target: Statement, *, source_label: str, target_label: str, detail: str,
                 ids: RuleIds = RuleIds()) -> tuple[Statement, Statement, Decimal]:
    """Move a negative balance of ``source`` onto the positive balance of ``target`` (by decision, R-S-NEG)."""
    amount = min(-source.balance, target.balance) if source.balance < 0 < target.balance else ZERO
    if amount <= 0:
        return source, target, ZERO
    source = replace(source, balance=source.balance + amount, offsets=source.offsets + amount)
    target = replace(target, balance=target.balance - amount, offsets=target.offsets - amount)
    source = source.with_item(ids.neg, amount, f"负结算由 {target_label} 冲抵（{detail}）")
    target = target.with_item(ids.neg, -amount, f"冲抵 {source_label} 的负结算（{detail}）")
    return source, target, amount


def statement_finish(base: Statement, *, on_hold: bool, stopped: bool, carry_forward: bool, hold_detail: str = "",
                     stop_detail: str = "", ids: RuleIds = RuleIds()) -> Statement:
    """Step 4: pay, hold or stop; carry a negative total forward."""
    s = replace(base, on_hold=on_hold and not stopped, stopped=stopped)
    if stopped:
        stopped_amount = max(s.balance, ZERO)
        s = replace(s, stopped_amount=stopped_amount, held_balance=s.held_before, amount_due=ZERO)
        s = s.with_item(ids.exit, -stopped_amount, f"重大违规终止合作，自终止当月起停止结算：{stop_detail}")
        return _carry(s, min(s.balance, ZERO), carry_forward, ids)
    total = s.held_before + s.balance
    if s.on_hold:
        held = max(total, ZERO)
        s = replace(s, held_balance=held, amount_due=ZERO)
        if held != s.held_before or s.balance:
            s = s.with_item(ids.hold, s.held_before - held,
                            f"信用处罚暂停结算：本期暂扣（不没收），暂扣余额 {held} 元；{hold_detail}")
        return _carry(s, min(total, ZERO), carry_forward, ids)
    s = replace(s, amount_due=max(total, ZERO), released=s.held_before, held_balance=ZERO)
    if s.held_before:
        s = s.with_item(ids.hold, s.held_before, f"暂扣解除，释放以前月份暂扣 {s.held_before} 元")
    return _carry(s, min(total, ZERO), carry_forward, ids)


def _carry(s: Statement, negative: Decimal, carry_forward: bool, ids: RuleIds) -> Statement:
    if negative >= 0:
        return replace(s, carried_forward=ZERO)
    if not carry_forward:
        return replace(s, carried_forward=ZERO).with_item(ids.neg, -negative,
                                                          f"负结算 {negative} 元按规则集不结转，核销")
    return replace(s, carried_forward=negative).with_item(ids.neg, -negative, f"负结算 {negative} 元结转下期")
