"""Writes for settlement: inputs (write-downs, extra deductions, offsets, adjustments) and the monthly run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from core.audit import audit_record
from core.choices import ApprovalStatus
from core.jobs import JobProgress, JobRefused, job_run
from core.months import format_month, month_end, previous_month
from core.rulebook import add_duration, money, to_decimal
from partners.choices import PartnerStatus
from partners.models import Contract, MonthlyRevenue, Partner
from scoring.selectors import NoRuleSetInForce, rule_book_in_force
from scoring.services import rule_set_mark_used

from . import selectors
from .models import ExtraDeduction, NegativeOffsetDecision, SettlementAdjustment, SettlementStatement, WriteDown
from .rules import RuleIds, Statement, StatementInputs, apply_offset, statement_base, statement_finish

JOB_NAME = "run_settlement"
VALUE_FIELDS = [
    "partner_id", "cooperation_type", "rule_set_id", "revenue", "revenue_share", "payable", "warning_level",
    "warning_percent", "settled", "extra_deductions", "write_downs", "adjustments", "brought_forward", "offsets",
    "balance", "held_before", "released", "held_balance", "stopped_amount", "amount_due", "carried_forward",
    "on_hold", "stopped", "items",
]
STATEMENT_FIELDS = [f for f in VALUE_FIELDS if f not in {"partner_id", "cooperation_type", "rule_set_id"}]


# ---------------------------------------------------------------------------------------------------------------
# Inputs


def _first_of_month(month: dt.date, field: str = "month") -> dt.date:
    if not isinstance(month, dt.date) or month.day != 1:
        raise ValidationError({field: f"月份须为当月第一天（YYYY-MM-01），得到 {month!r}"})
    return month


def _require_open(contract_id: int, month: dt.date, field: str = "month") -> None:
    statement = SettlementStatement.objects.filter(contract_id=contract_id, month=month).first()
    if statement is not None and statement.status == ApprovalStatus.APPROVED:
        raise ValidationError({field: f"{statement} 的结算单已审批，不能再改动；请在未审批的月份录入结算调整行。"})


@transaction.atomic
def write_down_record(*, contract: Contract, month: dt.date, amount, reference: str = "", reason: str = "",
                      actor=None) -> WriteDown:
    """Record (or replace) China Mobile's write-down for a contract-month (R-S-NEG)."""
    month = _first_of_month(month)
    amount = to_decimal(amount)
    if amount != money(amount) or amount <= 0:
        raise ValidationError({"amount": f"核减金额须为正数且最多两位小数，得到 {amount}"})
    _require_open(contract.pk, month)
    write_down, created = WriteDown.objects.update_or_create(
        contract=contract, month=month,
        defaults={"amount": amount, "reference": reference, "reason": reason,
                  "created_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(obj=write_down, action="write_down_record" if created else "write_down_replace", actor=actor,
                 rule_id="R-S-NEG", reason=reason, data={"amount": str(amount)})
    return write_down


@transaction.atomic
def extra_deduction_record(*, contract: Contract, month: dt.date, percent, cause: str, decided_by: str,
                           decided_on: dt.date, decision_reference: str, reason: str = "", actor=None
                           ) -> ExtraDeduction:
    """Record a decided extra deduction; below the rule's minimum share of the month it is refused (R-S-EXTRA)."""
    month = _first_of_month(month)
    try:
        _, book = rule_book_in_force(on=month)
    except NoRuleSetInForce as exc:
        raise ValidationError({"month": str(exc)})
    minimum = book.number("extra_deduction_min_percent")
    percent = to_decimal(percent)
    if percent < minimum or percent > 100:
        raise ValidationError({"percent": f"{book.rule_id('extra_deduction_min_percent')}：额外扣减须为当月结算额的 "
                                          f"{minimum.normalize():f}%–100%，得到 {percent.normalize():f}%"})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": "须填写总经理办公会或专题会的决定文号/纪要"})
    deduction = ExtraDeduction(contract=contract, month=month, percent=percent, cause=cause, decided_by=decided_by,
                               decided_on=decided_on, decision_reference=decision_reference, reason=reason,
                               created_by=actor if getattr(actor, "pk", None) else None)
    deduction.full_clean()
    _require_open(contract.pk, month)
    deduction.save()
    audit_record(obj=deduction, action="extra_deduction_record", actor=actor, rule_id="R-S-EXTRA", reason=reason,
                 data={"percent": str(percent), "decision": decision_reference})
    return deduction


@transaction.atomic
def negative_offset_decide(*, from_contract: Contract, to_contract: Contract, month: dt.date,
                           decision_reference: str, reason: str = "", actor=None) -> NegativeOffsetDecision:
    """By decision, offset a contract's negative balance against the same partner's other contract (R-S-NEG)."""
    month = _first_of_month(month)
    if from_contract.pk == to_contract.pk:
        raise ValidationError({"to_contract": "须为另一份合同"})
    if from_contract.partner_id != to_contract.partner_id:
        raise ValidationError({"to_contract": "只能冲抵同一合作方的其他合作"})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": "须填写决定文号/纪要"})
    _require_open(from_contract.pk, month)
    _require_open(to_contract.pk, month, field="to_contract")
    decision, _ = NegativeOffsetDecision.objects.get_or_create(
        from_contract=from_contract, to_contract=to_contract, month=month,
        defaults={"decision_reference": decision_reference, "reason": reason,
                  "created_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(obj=decision, action="negative_offset_decide", actor=actor, rule_id="R-S-NEG", reason=reason)
    return decision


@transaction.atomic
def settlement_adjustment_record(*, contract: Contract, month: dt.date, amount, rule_id: str, reason: str,
                                 corrects_month: dt.date | None = None, actor=None) -> SettlementAdjustment:
    """A correction is a new signed line in an open month, never an edit of an approved statement."""
    month = _first_of_month(month)
    if corrects_month is not None:
        _first_of_month(corrects_month, "corrects_month")
    amount = to_decimal(amount)
    if amount == 0 or amount != money(amount):
        raise ValidationError({"amount": f"调整金额须非零且最多两位小数，得到 {amount}"})
    if not reason.strip():
        raise ValidationError({"reason": "须填写调整原因"})
    adjustment = SettlementAdjustment(contract=contract, month=month, corrects_month=corrects_month, amount=amount,
                                      rule_id=rule_id, reason=reason,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    adjustment.full_clean()
    _require_open(contract.pk, month)
    adjustment.save()
    audit_record(obj=adjustment, action="settlement_adjustment_record", actor=actor, rule_id=rule_id, reason=reason,
                 data={"amount": str(amount)})
    return adjustment


def settlement_statement_approval_problems(*, obj: SettlementStatement, action: str) -> list[str]:
    """Months are approved in order: a carry-over or hold depends on the previous month's statement."""
    if action != "approve":
        return []
    earlier = (SettlementStatement.objects.filter(contract_id=obj.contract_id, month__lt=obj.month)
               .exclude(status=ApprovalStatus.APPROVED).select_related("partner").order_by("month").first())
    if earlier is not None:
        return [f"{earlier} 尚未审批；结转与暂扣依赖上月结果，须按月份顺序审批。"]
    return []


def settlement_statement_approved(*, obj: SettlementStatement, actor) -> None:
    """Runs inside the approval transaction: the rule set used is locked."""
    rule_set_mark_used(rule_set_id=obj.rule_set_id)


# ---------------------------------------------------------------------------------------------------------------
# The monthly computation (set-based: a fixed number of queries whatever the number of contracts)


def _rule_ids(book) -> RuleIds:
    return RuleIds(
        warn=book.rule_id("settlement_payout_from_warning"), extra=book.rule_id("extra_deduction_min_percent"),
        neg=book.rule_id("negative_settlement_carry_forward"), hold=book.rule_id("settlement_hold_grades"),
        exit=book.rule_id("reentry_ban"),
    )


def _negated(duration: dict) -> dict:
    return {**duration, "value": -int(duration["value"])}


def settlement_compute(*, month: dt.date, progress: JobProgress | None = None):
    """Compute every statement of ``month``; returns (rule_set, {contract_id: (contract, Statement)}). No writes."""
    first, last = month.replace(day=1), month_end(month)
    try:
        rule_set, book = rule_book_in_force(on=first)
    except NoRuleSetInForce as exc:
        raise JobRefused(str(exc))
    ids = _rule_ids(book)
    carry_forward = book.flag("negative_settlement_carry_forward")
    apply_warning = book.flag("settlement_payout_from_warning")

    previous = {row["contract_id"]: row for row in SettlementStatement.objects.filter(
        month=previous_month(first)).values("contract_id", "carried_forward", "held_balance")}
    write_downs = defaultdict(list)
    for row in WriteDown.objects.filter(month=first).values("contract_id", "amount", "reference", "reason"):
        write_downs[row["contract_id"]].append(row)
    extras = defaultdict(list)
    for row in ExtraDeduction.objects.filter(month=first).order_by("id").values(
            "contract_id", "percent", "decision_reference", "decided_by", "cause"):
        extras[row["contract_id"]].append(row)
    adjustments = defaultdict(list)
    for row in SettlementAdjustment.objects.filter(month=first).order_by("id").values(
            "contract_id", "amount", "rule_id", "reason", "corrects_month"):
        adjustments[row["contract_id"]].append(row)
    decisions = list(NegativeOffsetDecision.objects.filter(month=first).order_by("id").values(
        "from_contract_id", "to_contract_id", "decision_reference"))

    with_inputs = (
        {cid for cid, row in previous.items() if row["carried_forward"] or row["held_balance"]}
        | set(write_downs) | set(extras) | set(adjustments)
        | {d["from_contract_id"] for d in decisions} | {d["to_contract_id"] for d in decisions}
    )
    active_q = Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))
    contracts = list(Contract.objects.filter(active_q | Q(id__in=with_inputs)).select_related("partner")
                     .annotate(active=ExpressionWrapper(active_q, output_field=BooleanField()))
                     .order_by("id"))
    if progress:
        progress.set_total(len(contracts))

    # revenue belongs to the partner and cooperation type; the latest-started contract active in the month takes it
    revenue = {
        (row["partner_id"], row["cooperation_type"]): row["total"]
        for row in MonthlyRevenue.objects.filter(month=first).annotate(
            total=F("phone_bill") + F("third_party") + F("cash")).values("partner_id", "cooperation_type", "total")
    }
    primary: dict[tuple[int, str], Contract] = {}
    for contract in contracts:
        if contract.active:
            key = (contract.partner_id, contract.cooperation_type)
            if key not in primary or (contract.start_date, contract.id) > (primary[key].start_date, primary[key].id):
                primary[key] = contract

    levels = selectors.warning_levels_for_month(month=first) if apply_warning else {}
    percent_by_level: dict[int, Decimal] = {}

    holds: dict[int, list] = defaultdict(list)
    stops: dict[int, list] = defaultdict(list)
    for row in selectors.settlement_restrictions_in_month(month=first).values(
            "partner_id", "cooperation_type", "rule_id", "starts_on", "reason"):
        (stops if row["rule_id"] == ids.exit else holds)[row["partner_id"]].append(row)
    ban = book.duration("reentry_ban")
    for partner_id, banned_until in Partner.objects.filter(
            status=PartnerStatus.TERMINATED, reentry_banned_until__isnull=False).values_list("id",
                                                                                          "reentry_banned_until"):
        terminated_on = add_duration(banned_until, _negated(ban))
        if terminated_on <= last:
            stops[partner_id].append({"cooperation_type": "", "rule_id": ids.exit, "starts_on": terminated_on,
                                      "reason": f"合作方已终止，禁入至 {banned_until:%Y-%m-%d}（推定终止于 "
                                                f"{terminated_on:%Y-%m-%d}）"})

    def matching(rows, contract):
        return [r for r in rows if r["cooperation_type"] in ("", contract.cooperation_type)]

    bases: dict[int, Statement] = {}
    for contract in contracts:
        key = (contract.partner_id, contract.cooperation_type)
        is_primary = primary.get(key) is not None and primary[key].id == contract.id
        note = ""
        if not contract.active:
            note = "合同当月不在有效期内，不计收入"
        elif not is_primary:
            note = f"同类型合同 {primary[key].start_date:%Y-%m-%d} 起的合同计收入"
        level = int(levels.get(key, 0)) if apply_warning else 0
        if level not in percent_by_level:
            percent_by_level[level] = (to_decimal(selectors.warning_payout_percent(level=level, month=first))
                                       if apply_warning else Decimal(100))
        prev = previous.get(contract.id, {})
        inputs = StatementInputs(
            revenue=to_decimal(revenue.get(key, 0)) if is_primary else Decimal("0"),
            revenue_share=contract.revenue_share,
            warning_level=level,
            warning_percent=percent_by_level[level],
            extra_percents=tuple((r["percent"], f"{r['decision_reference']}") for r in extras[contract.id]),
            write_downs=tuple((r["amount"], " ".join(x for x in (r["reference"], r["reason"]) if x) or "核减")
                              for r in write_downs[contract.id]),
            adjustments=tuple(
                (r["amount"], r["rule_id"],
                 (f"更正 {r['corrects_month']:%Y-%m}：" if r["corrects_month"] else "") + r["reason"])
                for r in adjustments[contract.id]),
            brought_forward=prev.get("carried_forward") or Decimal("0"),
            held_before=prev.get("held_balance") or Decimal("0"),
            revenue_note=note,
        )
        bases[contract.id] = statement_base(inputs, ids)

    by_id = {c.id: c for c in contracts}
    for decision in decisions:
        source_id, target_id = decision["from_contract_id"], decision["to_contract_id"]
        source, target, _ = apply_offset(
            bases[source_id], bases[target_id], source_label=str(by_id[source_id]), target_label=str(by_id[target_id]),
            detail=decision["decision_reference"], ids=ids,
        )
        bases[source_id], bases[target_id] = source, target

    results = {}
    for contract in contracts:
        hold_rows = matching(holds.get(contract.partner_id, []), contract)
        stop_rows = matching(stops.get(contract.partner_id, []), contract)
        results[contract.id] = (contract, statement_finish(
            bases[contract.id], on_hold=bool(hold_rows), stopped=bool(stop_rows), carry_forward=carry_forward,
            hold_detail="；".join(f"{r['rule_id']} 自 {r['starts_on']:%Y-%m-%d} {r['reason']}".strip()
                                 for r in hold_rows),
            stop_detail="；".join(f"{r['rule_id']} 自 {r['starts_on']:%Y-%m-%d} {r['reason']}".strip()
                                 for r in stop_rows),
            ids=ids,
        ))
    return rule_set, results


def _values(contract: Contract, rule_set, statement: Statement) -> dict:
    values = {name: getattr(statement, name) for name in STATEMENT_FIELDS}
    values["items"] = list(statement.items)
    return {"partner_id": contract.partner_id, "cooperation_type": contract.cooperation_type,
            "rule_set_id": rule_set.pk, **values}


def _differs(existing: SettlementStatement, values: dict) -> bool:
    return any(getattr(existing, name) != value for name, value in values.items())


@transaction.atomic
def settlement_run(*, month: dt.date, actor=None, progress: JobProgress | None = None) -> dict:
    """Compute and store the month's statements. Idempotent: unchanged statements are not written at all.

    Refuses (``JobRefused``, nothing written) when an approved statement would change or disappear, or when a
    later month's approved statement depended on a carry-over that would change; corrections are adjustment lines.
    A submitted statement whose figures change goes back to draft (audited) so stale figures are never approved.
    """
    first = month.replace(day=1)
    rule_set, results = settlement_compute(month=first, progress=progress)
    existing = {s.contract_id: s for s in SettlementStatement.objects.select_for_update().filter(month=first)
                .select_related("partner")}

    refused, to_create, to_update, back_to_draft, carry_changed = [], [], [], [], []
    now = timezone.now()
    for contract_id, (contract, statement) in results.items():
        values = _values(contract, rule_set, statement)
        current = existing.pop(contract_id, None)
        if current is None:
            to_create.append(SettlementStatement(contract_id=contract_id, month=first, computed_at=now, **values))
            continue
        if not _differs(current, values):
            continue
        if current.status == ApprovalStatus.APPROVED:
            refused.append(f"{current}（合同 {contract_id}）")
            continue
        if (current.carried_forward, current.held_balance) != (values["carried_forward"], values["held_balance"]):
            carry_changed.append(contract_id)
        if current.status == ApprovalStatus.SUBMITTED:
            back_to_draft.append(current)
        for name, value in values.items():
            setattr(current, name, value)
        current.computed_at = now
        to_update.append(current)
    stale = list(existing.values())
    refused += [f"{s}（合同 {s.contract_id}，已不在本月结算范围）"
                for s in stale if s.status == ApprovalStatus.APPROVED]
    later = (SettlementStatement.objects.filter(contract_id__in=carry_changed + [s.contract_id for s in stale],
                                                month__gt=first, status=ApprovalStatus.APPROVED)
             .select_related("partner").order_by("month"))
    refused += [f"{s}（依赖 {format_month(first)} 的结转/暂扣，已审批）" for s in later]
    if refused:
        raise JobRefused(
            f"{format_month(first)} 结算会改动已审批的结算单，未写入任何数据：{'；'.join(refused[:20])}"
            f"{' 等' if len(refused) > 20 else ''}。更正请在未审批的月份录入结算调整行。"
        )

    SettlementStatement.objects.bulk_create(to_create, batch_size=1000)
    for statement in back_to_draft:
        statement.status = ApprovalStatus.DRAFT
        statement.submitted_by, statement.submitted_at = None, None
    SettlementStatement.objects.bulk_update(
        to_update, [*STATEMENT_FIELDS, "partner", "cooperation_type", "rule_set", "computed_at", "status",
                    "submitted_by", "submitted_at"], batch_size=1000)
    for statement in back_to_draft:
        audit_record(obj=statement, action="recompute_back_to_draft", actor=actor, rule_id="R-S-BASE",
                     from_status=ApprovalStatus.SUBMITTED, to_status=ApprovalStatus.DRAFT,
                     reason="重新计算后金额变化，退回草稿待重新提交")
    SettlementStatement.objects.filter(pk__in=[s.pk for s in stale]).delete()
    if progress:
        progress.advance(len(results))

    statements = [statement for _, statement in results.values()]
    later_drafts = SettlementStatement.objects.filter(contract_id__in=carry_changed, month__gt=first).count()
    return {
        "contracts": len(results),
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(results) - len(to_create) - len(to_update),
        "deleted": len(stale),
        "on_hold": sum(s.on_hold for s in statements),
        "stopped": sum(s.stopped for s in statements),
        "carried_forward": sum(s.carried_forward < 0 for s in statements),
        "amount_due": str(sum((s.amount_due for s in statements), Decimal("0.00"))),
        "later_drafts_to_rerun": later_drafts,
    }


def settlement_run_job(*, month: dt.date, actor=None, on_progress: Callable[[int, int], None] | None = None) -> dict:
    """The job as the command and the Celery task run it: recorded in JobRun, refusals recorded then re-raised."""
    with job_run(job=JOB_NAME, key=format_month(month), user=actor, on_progress=on_progress) as progress:
        counts = settlement_run(month=month, actor=actor, progress=progress)
        progress.run.counts = counts
        progress.run.message = (f"{counts['contracts']} 份合同：新增 {counts['created']}，更新 {counts['updated']}，"
                                f"未变 {counts['unchanged']}，删除 {counts['deleted']}")
    return counts
