"""Reads for business codes: eligibility of an application (R-B-*), codes settled to partners, statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.choices import ApprovalStatus
from core.months import add_months, format_month
from core.rulebook import RuleBook, breakdown_item
from enforcement.selectors import action_allowed
from partners.models import Contract, MonthlyContribution, Partner
from scoring.models import RuleSet
from scoring.selectors import rule_book_for, rule_book_in_force

from . import rules
from .choices import (
    ALLOCATED_STATUSES,
    ApplicationType,
    CodeKind,
    GrantBasis,
    OwnerKind,
    ReviewStep,
)
from .models import BusinessCode, CodeApplication, CodeMonthlyStat

PENDING_STATUSES = (ApprovalStatus.DRAFT, ApprovalStatus.SUBMITTED)


# Codes -------------------------------------------------------------------------------------------------


def codes_with_recent_stats(*, months: int = 12, today: dt.date | None = None) -> QuerySet[BusinessCode]:
    today = today or timezone.localdate()
    since = add_months(today.replace(day=1), -(months - 1))
    recent = CodeMonthlyStat.objects.filter(month__gte=since).order_by("-month")
    return BusinessCode.objects.select_related("partner", "contract", "internal_unit").prefetch_related(
        Prefetch("stats", queryset=recent, to_attr="recent_stats")
    )


def stat_value_at(*, month: dt.date, column: str) -> Subquery:
    """Subquery: the code's ``column`` (users / orders) in ``month``."""
    return Subquery(
        CodeMonthlyStat.objects.filter(code=OuterRef("pk"), month=month).values(column)[:1]
    )


def latest_users_on_or_before(*, month: dt.date) -> Subquery:
    return Subquery(
        CodeMonthlyStat.objects.filter(code=OuterRef("pk"), month__lte=month).order_by("-month").values("users")[:1]
    )


# Review chain ------------------------------------------------------------------------------------------


def review_chain(application: CodeApplication) -> list[str]:
    """The steps an application goes through, from the rule set its eligibility used (R-B-REVIEW, R-B-INTERNAL)."""
    book = rule_book_for(application.rule_set)
    if application.owner_kind == OwnerKind.INTERNAL:
        return [str(step) for step in book.items("code_internal_review_chain")]
    for row in book.rows("code_review_chains"):
        if row["application_type"] == application.application_type:
            return [str(step) for step in row["steps"]]
    raise LookupError(f"rule set v{book.version} has no review chain for {application.application_type}")


def next_step(application: CodeApplication) -> str | None:
    chain = review_chain(application)
    index = chain.index(application.stage)
    return chain[index + 1] if index + 1 < len(chain) else None


def passing_initial_reviews(application: CodeApplication) -> int:
    return application.reviews.filter(step=ReviewStep.INITIAL_REVIEW, passed=True).count()


# Eligibility -------------------------------------------------------------------------------------------


@dataclass
class Eligibility:
    rule_set: RuleSet
    items: list[dict[str, Any]] = field(default_factory=list)
    eligible: bool = False
    application_type: str = ApplicationType.ADDITIONAL
    grant_basis: str = GrantBasis.NONE

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [i for i in self.items if not i["passed"]]


def _pending_applications(*, exclude_pk: int | None) -> QuerySet[CodeApplication]:
    queryset = CodeApplication.objects.filter(status__in=PENDING_STATUSES)
    if exclude_pk is not None:
        # an application already stored only counts those filed before it, so a recomputation is stable
        queryset = queryset.filter(pk__lt=exclude_pk)
    return queryset


def _block_items(book: RuleBook, *, partner: Partner, cooperation_type: str, on: dt.date) -> list[dict[str, Any]]:
    rule = book.rule_id("code_block_restricted_actions")
    blocking = []
    for action in book.items("code_block_restricted_actions"):
        blocking += list(action_allowed(partner=partner, action=action, on=on, cooperation_type=cooperation_type)
                         .blocking)
    if not blocking:
        return [breakdown_item(rule, None, f"{on:%Y-%m-%d} 无生效的暂停申请或信用处罚", passed=True)]
    from enforcement.selectors import restriction_reason

    seen, items = set(), []
    for restriction in blocking:
        if restriction.pk in seen:
            continue
        seen.add(restriction.pk)
        items.append(breakdown_item(rule, None, f"暂停申请新业务代码：{restriction_reason(restriction)}", passed=False,
                                blocked_by=restriction.rule_id))
    return items


def _partner_kind_label(contract: Contract) -> str:
    return f"{contract.get_cooperation_type_display()}（{contract.partner.get_partner_class_display()}）"


def _revenue_item(book: RuleBook, *, partner: Partner, cooperation_type: str, kind: str,
                  batch_month: dt.date) -> dict[str, Any]:
    rule = book.rule_id("code_more_min_users_per_code")
    month = add_months(batch_month, -book.integer("code_more_stats_lag_months"))
    column = "users" if kind == CodeKind.MONTHLY else "orders"
    allocated = (
        BusinessCode.objects.filter(
            partner=partner, contract__cooperation_type=cooperation_type, kind=kind, status__in=ALLOCATED_STATUSES
        )
        .annotate(value=Coalesce(stat_value_at(month=month, column=column), Value(0)))
        .order_by("code")
        .values_list("code", "value")
    )
    values = [(code, int(value)) for code, value in allocated]
    if kind == CodeKind.MONTHLY:
        return rules.evaluate_more_monthly(
            users_by_code=values,
            min_per_code=book.integer("code_more_min_users_per_code"),
            min_average=book.integer("code_more_min_average_users"),
            month_label=format_month(month),
            rule=rule,
        )
    return rules.evaluate_more_per_use(
        orders_by_code=values,
        min_average=book.integer("code_more_min_average_orders"),
        month_label=format_month(month),
        rule=book.rule_id("code_more_min_average_orders"),
    )


def contract_contributions(contract: Contract) -> Decimal:
    """Purchases of Migu products/services plus Migu ads placed within the contract period (R-B-MORE)."""
    months = MonthlyContribution.objects.filter(
        partner_id=contract.partner_id,
        cooperation_type=contract.cooperation_type,
        month__gte=contract.start_date.replace(day=1),
    )
    if contract.end_date:
        months = months.filter(month__lte=contract.end_date)
    money_field = DecimalField(max_digits=18, decimal_places=2)
    total = months.aggregate(
        total=Coalesce(Sum(F("product_purchases") + F("ads_placed"), output_field=money_field),
                       Value(Decimal("0")), output_field=money_field)
    )["total"]
    return Decimal(total)


def _contribution_item(book: RuleBook, *, contract: Contract, exclude_pk: int | None) -> dict[str, Any]:
    granted = BusinessCode.objects.filter(contract=contract, grant_basis=GrantBasis.MORE_CONTRIBUTION).count()
    pending = _pending_applications(exclude_pk=exclude_pk).filter(
        contract=contract, grant_basis=GrantBasis.MORE_CONTRIBUTION
    ).count()
    end = f"{contract.end_date:%Y-%m-%d}" if contract.end_date else "至今"
    return rules.evaluate_more_contribution(
        total=contract_contributions(contract),
        per_code=book.number("code_more_contribution_per_code"),
        used=granted + pending,
        period=f"{contract.start_date:%Y-%m-%d}–{end}",
        rule=book.rule_id("code_more_contribution_per_code"),
    )


def application_eligibility(
    *,
    on: dt.date,
    batch_month: dt.date,
    kind: str,
    category: str,
    contract: Contract | None = None,
    internal_unit=None,
    exclude_pk: int | None = None,
) -> Eligibility:
    """Whether an application may be granted, with the numbers: R-B-BATCH, R-B-SCOPE, R-B-BLOCK, R-B-FIRST
    and, beyond the first-batch limit, R-B-MORE (revenue or resource contribution). Internal units: R-B-INTERNAL.
    """
    rule_set, book = rule_book_in_force(on=on)
    result = Eligibility(rule_set=rule_set)
    result.items.append(
        breakdown_item("R-B-BATCH", None, f"纳入 {format_month(batch_month)} 月度申请批次", passed=True)
    )
    if internal_unit is not None:
        chain = "、".join(str(step) for step in book.items("code_internal_review_chain"))
        result.items.append(breakdown_item(
            book.rule_id("code_internal_review_chain"), None,
            f"内部单位代码（{internal_unit}）：不经合作方推广，按咪咕自有门户模式结算；审核环节：{chain}", passed=True,
        ))
        result.eligible, result.application_type, result.grant_basis = True, ApplicationType.INTERNAL, \
            GrantBasis.INTERNAL
        return result

    partner, cooperation_type = contract.partner, contract.cooperation_type
    categories = book.items("code_partner_categories")
    scope_ok = category in categories
    result.items.append(breakdown_item(
        book.rule_id("code_partner_categories"), None,
        f"代码类别 {category}{'属于' if scope_ok else '不属于'}合作方可申请的类别（{'、'.join(categories)}）",
        passed=scope_ok,
    ))
    block_items = _block_items(book, partner=partner, cooperation_type=cooperation_type, on=on)
    result.items += block_items
    not_blocked = all(i["passed"] for i in block_items)

    kind_label = CodeKind(kind).label
    limit = rules.first_batch_limit(
        book.rows("code_first_batch_limits"), cooperation_type=cooperation_type,
        partner_class=partner.partner_class, kind=kind,
    )
    same_kind = Q(partner=partner, contract__cooperation_type=cooperation_type, kind=kind)
    used = BusinessCode.objects.filter(same_kind).count() + _pending_applications(exclude_pk=exclude_pk).filter(
        same_kind).count()
    first = rules.evaluate_first_batch(
        limit=limit, used=used, partner_kind=_partner_kind_label(contract), kind_label=str(kind_label),
        rule=book.rule_id("code_first_batch_limits"),
    )
    result.items.append(first)
    basis = GrantBasis.NONE
    if first["passed"]:
        result.application_type, basis = ApplicationType.FIRST_BATCH, GrantBasis.FIRST_BATCH
    else:
        result.application_type = ApplicationType.ADDITIONAL
        revenue = _revenue_item(book, partner=partner, cooperation_type=cooperation_type, kind=kind,
                                batch_month=batch_month)
        contribution = _contribution_item(book, contract=contract, exclude_pk=exclude_pk)
        result.items += [revenue, contribution]
        if revenue["passed"]:
            basis = GrantBasis.MORE_REVENUE
        elif contribution["passed"]:
            basis = GrantBasis.MORE_CONTRIBUTION
    result.grant_basis = basis
    result.eligible = scope_ok and not_blocked and basis != GrantBasis.NONE
    return result


def application_block_now(application: CodeApplication, *, on: dt.date) -> list[dict[str, Any]]:
    """R-B-BLOCK items that fail on ``on`` (a sanction may start after the application was filed)."""
    if application.owner_kind == OwnerKind.INTERNAL:
        return []
    book = rule_book_for(application.rule_set)
    items = _block_items(book, partner=application.partner, cooperation_type=application.contract.cooperation_type,
                         on=on)
    return [i for i in items if not i["passed"]]
