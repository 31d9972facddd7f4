"""Reads for the credit score: the month's facts aggregated in the database, sanctions, blocked actions."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from core.choices import ApprovalStatus
from core.months import add_months, month_end
from enforcement.choices import RestrictedAction
from enforcement.selectors import restrictions_in_force_by_partner, verdict_from
from overrides.choices import OverrideKind
from overrides.selectors import overrides_for_keys
from partners.choices import CooperationType
from partners.models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue
from scoring.selectors import notification_counts_for_month as scoring_notification_counts_for_month
from scoring.selectors import rule_book_for, rule_book_in_force

from .choices import SanctionStatus
from .models import CompanyImportanceEvidence, CreditSanction, MajorViolation, ManualItemScore, MonthlyCreditScore
from .rules import PartnerMonthFacts, next_grade_path


def notification_counts_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """R-D-NOTIFY counts of the month per (partner id, cooperation type), from the scoring core.

    The scoring core owns daily notifications and warnings; credit only sums them per partner (R-K-HEALTH).
    Kept as this module's own name so tests can substitute counts without running the daily job.
    """
    return scoring_notification_counts_for_month(month=month)


def _contracts_overlapping(month: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(start_date__lte=month_end(month)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month)
    )


def credit_facts_for_month(*, month: dt.date) -> dict[int, PartnerMonthFacts]:
    """One ``PartnerMonthFacts`` per partner with a contract in force during the month (one query per source)."""
    last_day = month_end(month)
    scope: dict[int, dict] = {}
    for row in _contracts_overlapping(month).values("partner_id", "partner__partner_class", "cooperation_type"):
        entry = scope.setdefault(row["partner_id"], {"partner_class": row["partner__partner_class"], "joint": False})
        entry["joint"] |= row["cooperation_type"] == CooperationType.JOINT_MEMBERSHIP
    if not scope:
        return {}
    ids = list(scope)

    notifications: dict[int, int] = defaultdict(int)
    for (partner_id, _cooperation_type), count in notification_counts_for_month(month=month).items():
        notifications[partner_id] += int(count)

    tickets = {
        row["partner_id"]: (row["total"], row["late"])
        for row in ComplaintTicket.objects.filter(received_on__gte=month, received_on__lte=last_day)
        .values("partner_id")
        .annotate(total=Count("id"), late=Count("id", filter=Q(handled_late=True)))
    }
    revenue = {
        row["partner_id"]: row["total"] or Decimal("0")
        for row in MonthlyRevenue.objects.filter(month=month)
        .values("partner_id")
        .annotate(total=Sum(F("phone_bill") + F("third_party") + F("cash")))
    }
    # R-K-PRODUCTS: only purchases of the rule set's purchasable categories count; R-K-STRATEGIC: Migu ads placed
    # or sold as agent (投放（代理）) are one line
    _, book = rule_book_in_force(on=month)
    categories = book.items("credit_product_categories")
    contributions = {
        row["partner_id"]: (row["purchases"] or Decimal("0"), row["ads"] or Decimal("0"))
        for row in MonthlyContribution.objects.filter(month=month)
        .values("partner_id")
        .annotate(purchases=Sum("product_purchases", filter=Q(product_category__in=categories)),
                  ads=Sum(F("ads_placed") + F("ad_sales")))
    }
    importance: dict[int, list[str]] = defaultdict(list)
    for partner_id, category in company_importance_in_force(month=month).values_list("partner_id", "category"):
        importance[partner_id].append(category)
    manual: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for partner_id, item, points in ManualItemScore.objects.filter(month=month).values_list(
        "partner_id", "item", "points"
    ):
        manual[partner_id][item] = points

    facts = {}
    for partner_id in ids:
        total, late = tickets.get(partner_id, (0, 0))
        purchases, ads = contributions.get(partner_id, (Decimal("0"), Decimal("0")))
        facts[partner_id] = PartnerMonthFacts(
            partner_id=partner_id,
            month=month,
            partner_class=scope[partner_id]["partner_class"],
            has_joint_membership=scope[partner_id]["joint"],
            notifications=notifications.get(partner_id, 0),
            tickets=total,
            late_tickets=late,
            revenue=revenue.get(partner_id, Decimal("0")),
            product_purchases=purchases,
            ads_placed=ads,
            importance_categories=tuple(sorted(importance.get(partner_id, []))),
            manual_scores=manual.get(partner_id, {}),
        )
    return facts


def company_importance_in_force(*, month: dt.date) -> QuerySet[CompanyImportanceEvidence]:
    """Approved evidence counting for the month: effective from the month after approval (R-K-STRATEGIC)."""
    return CompanyImportanceEvidence.objects.filter(
        status=ApprovalStatus.APPROVED, effective_from__lte=month
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=month))


def previous_monthly_scores(*, month: dt.date, count: int) -> dict[int, list[Decimal | None]]:
    """Stored monthly scores of the ``count`` months before ``month``, newest first, None where missing."""
    if count <= 0:
        return {}
    months = [add_months(month, -offset) for offset in range(1, count + 1)]
    found: dict[int, list[Decimal | None]] = defaultdict(lambda: [None] * count)
    for partner_id, earlier, monthly in MonthlyCreditScore.objects.filter(month__in=months).values_list(
        "partner_id", "month", "monthly_score"
    ):
        found[partner_id][months.index(earlier)] = monthly
    return dict(found)


def major_violations_in_force(*, month: dt.date) -> dict[int, MajorViolation]:
    """Approved major violations decided on or before the month's end, latest per partner (R-K-MAJOR)."""
    result: dict[int, MajorViolation] = {}
    for violation in MajorViolation.objects.filter(
        status=ApprovalStatus.APPROVED, effective_on__lte=month_end(month)
    ).order_by("effective_on", "id"):
        result[violation.partner_id] = violation
    return result


def credit_scores() -> QuerySet[MonthlyCreditScore]:
    return MonthlyCreditScore.objects.select_related("partner", "rule_set", "major_violation")


def credit_score_path(*, score: MonthlyCreditScore) -> dict:
    """The partner's path to the next grade, computed from the score's own rule set."""
    return next_grade_path(
        score=score.score,
        monthly_score=score.monthly_score,
        month=score.month,
        items=score.items,
        months=score.months,
        book=rule_book_for(score.rule_set),
    )


def credit_sanctions() -> QuerySet[CreditSanction]:
    return CreditSanction.objects.select_related("partner", "origin_partner", "credit_score", "replaced_by")


def overdue_sanctions(*, on: dt.date | None = None) -> QuerySet[CreditSanction]:
    """Sanctions past their R-K-DEADLINE due date and still not applied."""
    return credit_sanctions().filter(status=SanctionStatus.PENDING, due_on__lt=on or timezone.localdate())


def blocked_summary(*, partner, on: dt.date, restrictions: list | None = None) -> dict:
    """Every action asked of the restriction registry: what is blocked for the partner on ``on``, why, until when.

    ``restrictions``: the partner's restrictions in force on ``on``, when the caller loaded them for many partners.
    """
    if restrictions is None:
        restrictions = restrictions_in_force_by_partner(on=on, partner_ids=[partner.pk])[partner.pk]
    blocked, allowed = [], []
    for action, label in RestrictedAction.choices:
        verdict = verdict_from(restrictions, action=action)
        if verdict.allowed:
            allowed.append(action)
            continue
        blocked.append({
            "action": action,
            "label": str(label),
            "blocked_until": verdict.blocked_until.isoformat() if verdict.blocked_until else None,
            "rule_ids": verdict.rule_ids,
            "reasons": verdict.reasons,
        })
    return {"partner": partner.code, "date": on.isoformat(), "blocked": blocked, "allowed": allowed}


# --- Overrides of grade sanctions (issue 15 item 4; docs/overrides.md) ---------------------------------------------

def sanction_automatic_values(keys) -> dict[tuple, dict]:
    """The automatic decision for each ``(partner_id, "", month, sanction code)``: the sanction the month's grade calls
    for (R-K-RANGE; ``credit_grade_sanctions``) or a linked penalty issued for it (R-K-LINKED). Absent: none."""
    from .rules import grade_sanction_codes

    wanted = {k for k in keys if k[1] == ""}
    if not wanted:
        return {}
    partners, months = {k[0] for k in wanted}, {k[2] for k in wanted}
    found = {}
    for score in MonthlyCreditScore.objects.filter(partner_id__in=partners, month__in=months).select_related(
        "rule_set"
    ):
        for code in grade_sanction_codes(score.grade, rule_book_for(score.rule_set)):
            key = (score.partner_id, "", score.month, str(code))
            if key in wanted:
                found[key] = {"waived": False, "grade": score.grade}
    for partner_id, month, code, grade in CreditSanction.objects.filter(
        partner_id__in=partners, month__in=months
    ).exclude(status=SanctionStatus.CANCELLED).values_list("partner_id", "month", "code", "grade"):
        key = (partner_id, "", month, code)
        if key in wanted and key not in found:
            found[key] = {"waived": False, "grade": grade}
    return found


def sanctions_attach_overrides(rows, *, published_only: bool = False) -> list[CreditSanction]:
    """``decision_overrides`` and ``override_in_force`` on each sanction, in one query."""
    rows = list(rows)
    keys = {row.pk: (row.partner_id, "", row.month, row.code) for row in rows}
    found = overrides_for_keys(kind=OverrideKind.CREDIT_SANCTION, keys=keys.values(), published_only=published_only)
    for row in rows:
        row.decision_overrides = found.get(keys[row.pk], [])
        row.override_in_force = next((o for o in row.decision_overrides if o.in_force), None)
    return rows


def sanction_waived(*, sanction: CreditSanction) -> bool:
    return bool(sanctions_attach_overrides([sanction])[0].override_in_force)
