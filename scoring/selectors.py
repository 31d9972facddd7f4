import datetime as dt
import heapq
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from core.choices import ApprovalStatus
from core.months import month_end
from core.rulebook import RuleBook, RuleParam, clamp, money, to_decimal
from overrides.choices import OverrideKind
from overrides.selectors import override_in_force, overrides_for_keys
from partners.choices import ComplaintCategory
from partners.models import ComplaintTicket, Contract, MonthlyContribution, MonthlyRevenue

from .choices import RuleSetStatus
from .models import (
    DailyNotification,
    MonthlyAssessment,
    MonthlyWarning,
    PenaltyProposal,
    RuleEntry,
    RuleSet,
    UpgradedComplaintInclusion,
)
from .rules import (
    AssessmentInputs,
    assessment_next_bracket_path,
    daily_next_notification_path,
    warning_next_level_path,
)


class NoRuleSetInForce(LookupError):
    pass


def active_rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(status=RuleSetStatus.ACTIVE).order_by("-effective_from")


@dataclass(frozen=True)
class _InForceOverride:
    rule_set: RuleSet
    book: RuleBook
    start: dt.date
    end: dt.date


_IN_FORCE_OVERRIDE: ContextVar[_InForceOverride | None] = ContextVar("rule_set_in_force_override", default=None)


@contextmanager
def rule_set_in_force_override(*, rule_set: RuleSet, start: dt.date, end: dt.date) -> Iterator[None]:
    """Inside the block, ``rule_set`` (typically a draft) is the set in force on every date from ``start`` to
    ``end`` inclusive; other dates resolve as usual. The back-test runs the real jobs this way inside a
    transaction it rolls back, so every app (they all resolve the book through :func:`rule_set_in_force`)
    computes with the draft. Its snapshot is taken once, on entry."""
    token = _IN_FORCE_OVERRIDE.set(_InForceOverride(rule_set, _rule_book_read(rule_set), start, end))
    try:
        yield
    finally:
        _IN_FORCE_OVERRIDE.reset(token)


def rule_set_in_force(*, on: dt.date) -> RuleSet:
    """The active rule set with the latest effective date on or before ``on`` (or the back-test's draft, see
    :func:`rule_set_in_force_override`)."""
    override = _IN_FORCE_OVERRIDE.get()
    if override is not None and override.start <= on <= override.end:
        return override.rule_set
    rule_set = active_rule_sets().filter(effective_from__lte=on).first()
    if rule_set is None:
        raise NoRuleSetInForce(f"no active rule set is in force on {on:%Y-%m-%d}")
    return rule_set


_BOOK_CACHE: dict[int, RuleBook] = {}


def rule_book_for(rule_set: RuleSet) -> RuleBook:
    """Snapshot of a set's entries; active sets are immutable, so their snapshots are cached by id."""
    override = _IN_FORCE_OVERRIDE.get()
    if override is not None and override.rule_set.pk == rule_set.pk:
        return override.book
    cacheable = rule_set.status == RuleSetStatus.ACTIVE
    if cacheable and rule_set.pk in _BOOK_CACHE:
        return _BOOK_CACHE[rule_set.pk]
    book = _rule_book_read(rule_set)
    if cacheable:
        _BOOK_CACHE[rule_set.pk] = book
    return book


def _rule_book_read(rule_set: RuleSet) -> RuleBook:
    params = {
        entry.key: RuleParam(
            key=entry.key, rule_id=entry.rule_id, kind=entry.kind, value=entry.value, assumed=entry.assumed
        )
        for entry in RuleEntry.objects.filter(rule_set=rule_set)
    }
    return RuleBook(version=rule_set.version, effective_from=rule_set.effective_from, params=params)


def rule_book_in_force(*, on: dt.date) -> tuple[RuleSet, RuleBook]:
    rule_set = rule_set_in_force(on=on)
    return rule_set, rule_book_for(rule_set)


def rule_books_in_force(*, days: list[dt.date]) -> dict[dt.date, tuple[RuleSet, RuleBook]]:
    """:func:`rule_book_in_force` for many days (a month end) from one query of the active sets."""
    override = _IN_FORCE_OVERRIDE.get()
    active = list(active_rule_sets().filter(effective_from__lte=max(days)))
    out = {}
    for day in days:
        if override is not None and override.start <= day <= override.end:
            rule_set = override.rule_set
        else:
            rule_set = next((candidate for candidate in active if candidate.effective_from <= day), None)
            if rule_set is None:
                raise NoRuleSetInForce(f"no active rule set is in force on {day:%Y-%m-%d}")
        out[day] = (rule_set, rule_book_for(rule_set))
    return out


def rule_book_in_force_or_oldest(*, on: dt.date) -> tuple[RuleSet, RuleBook]:
    """The book in force on ``on``; for a date before every active set, the oldest active set (R-M-INCUB: a
    contract that started before operations began takes its defaults from the oldest rule set)."""
    try:
        return rule_book_in_force(on=on)
    except NoRuleSetInForce:
        oldest = active_rule_sets().order_by("effective_from").first()
        if oldest is None:
            raise
        return oldest, rule_book_for(oldest)


def clear_rule_book_cache() -> None:
    _BOOK_CACHE.clear()


# --- Results other apps read (credit: notifications; settlement: warning levels and payout factor) ---------------


def notification_counts_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """The month's cumulative notification count (R-D-NOTIFY) per (partner_id, cooperation_type); absent = 0."""
    rows = MonthlyWarning.objects.filter(month=month.replace(day=1), notification_count__gt=0)
    return {
        (partner_id, cooperation_type): count
        for partner_id, cooperation_type, count in rows.values_list("partner_id", "cooperation_type",
                                                                     "notification_count")
    }


def warning_levels_for_month(*, month: dt.date) -> dict[tuple[int, str], int]:
    """The highest warning level reached in the month (R-D-WARN) per (partner_id, cooperation_type); absent = 0."""
    rows = MonthlyWarning.objects.filter(month=month.replace(day=1), level__gt=0)
    return {
        (partner_id, cooperation_type): level
        for partner_id, cooperation_type, level in rows.values_list("partner_id", "cooperation_type", "level")
    }


def warning_payout_percent(*, level: int, month: dt.date) -> Decimal:
    """Settlement percentage paid at a warning level (R-D-WARN table, applied by R-S-WARN); 100 for level 0."""
    if level <= 0:
        return Decimal("100")
    _, book = rule_book_in_force(on=month.replace(day=1))
    for row in book.rows("warning_levels"):
        if int(row["level"]) == level:
            return to_decimal(row["payout_percent"])
    raise ValueError(f"level: rule set v{book.version} has no warning level {level}")


# --- Inputs of the daily and monthly jobs: aggregated in the database for all partners at once -------------------


def unknowing_subscription_counts(*, day: dt.date, at_least: int) -> list[tuple[int, str, int]]:
    """(partner_id, cooperation_type, tickets) for the day's unknowing-subscription tickets, where ≥ ``at_least``.

    The day is the ticket's received date (already an Asia/Shanghai calendar date, R-D-NOTIFY).
    """
    return list(
        ComplaintTicket.objects.filter(received_on=day, category=ComplaintCategory.UNKNOWING_SUBSCRIPTION)
        .order_by()
        .values("partner_id", "cooperation_type")
        .annotate(tickets=Count("id"))
        .filter(tickets__gte=at_least)
        .values_list("partner_id", "cooperation_type", "tickets")
    )


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class WarningProgress:
    """A partner-type's notifications in a month: the total and, per threshold, the first day and running total."""

    total: int
    first_reached: dict[int, tuple[dt.date, int] | None]


def notification_running_totals(
    *, month: dt.date, thresholds: list[int], partner_ids: set[int] | None = None,
    partners: tuple[int, int] | None = None,
) -> dict[tuple[int, str], WarningProgress]:
    """Running notification totals of the month, reduced per partner-type in one SQL statement (R-D-WARN).

    For each threshold: the first day the running total reached it and the running total on that day.
    The running total only grows (a stored notification row holds ≥ 1), so the smallest running total at
    or over a threshold belongs to the first day that reached it. ``partner_ids`` limits it to those partners,
    ``partners`` to an inclusive partner-id range.
    """
    table = DailyNotification._meta.db_table
    columns = []
    params: list = []
    for threshold in thresholds:
        columns.append("MIN(CASE WHEN cum >= %s THEN date END), MIN(CASE WHEN cum >= %s THEN cum END)")
        params += [threshold, threshold]
    select = ", ".join(["partner_id", "cooperation_type", "MAX(cum)", *columns])
    sql = (
        f"SELECT {select} FROM ("
        f" SELECT partner_id, cooperation_type, date,"
        f" SUM(notifications) OVER (PARTITION BY partner_id, cooperation_type ORDER BY date) AS cum"
        f" FROM {table} WHERE date >= %s AND date <= %s"
        f") running GROUP BY partner_id, cooperation_type"
    )
    params += [month.isoformat(), month_end(month).isoformat()]
    if partners is not None:
        sql = sql.replace("WHERE date >= %s AND date <= %s",
                          "WHERE date >= %s AND date <= %s AND partner_id BETWEEN %s AND %s")
        params += list(partners)
    if partner_ids is not None:
        ids = sorted(partner_ids) or [0]
        sql = sql.replace(
            "WHERE date >= %s AND date <= %s",
            f"WHERE date >= %s AND date <= %s AND partner_id IN ({', '.join(['%s'] * len(ids))})",
        )
        params += ids
    out: dict[tuple[int, str], WarningProgress] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            first = {}
            for i, threshold in enumerate(thresholds):
                day, cum = row[3 + 2 * i], row[4 + 2 * i]
                first[threshold] = (_as_date(day), int(cum)) if day is not None else None
            out[(row[0], row[1])] = WarningProgress(total=int(row[2]), first_reached=first)
    return out


def contracts_active_in_month(*, month: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(start_date__lte=month_end(month)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month)
    )


def upgrade_cut_off(*, month: dt.date, grace_days: int) -> dt.date:
    """The last upgrade-received day a month's assessment counts (R-M-UPGRADE-ONCE): the month's last day plus the
    rule set's grace of N days (``upgrade_grace_days``; 0 = the month's last day)."""
    return month_end(month) + dt.timedelta(days=grace_days)


def upgraded_complaint_candidates(
    *, month: dt.date, grace_days: int = 0, partners: tuple[int, int] | None = None
) -> dict[tuple[int, str], list[tuple[int, str]]]:
    """Upgraded complaints the month's assessment counts, per partner-type: [(ticket pk, ticket_id)] (R-M-UPGRADE-ONCE).

    [interpretation] A ticket counts in the month whose window holds the day its upgrade was received
    (``upgraded_on``): the window runs from the day after the previous month's cut-off to this month's
    (``upgrade_cut_off``: month end + ``grace_days``), unless another month's assessment already includes it. An
    upgrade that arrives after its own month's assessment of that partner-type was approved is carried into the
    next assessment computed instead of being lost; never twice.
    """
    grace = dt.timedelta(days=grace_days)
    start, cut_off = month + grace, upgrade_cut_off(month=month, grace_days=grace_days)
    included_elsewhere = Exists(
        UpgradedComplaintInclusion.objects.filter(ticket_id=OuterRef("pk")).exclude(month=month)
    )
    # an earlier upgrade can only be carried when an assessment of its partner-type up to then was approved
    assessed_before = Exists(
        MonthlyAssessment.objects.filter(
            partner_id=OuterRef("partner_id"), cooperation_type=OuterRef("cooperation_type"),
            month__lte=OuterRef("upgraded_on"), status=ApprovalStatus.APPROVED,
        )
    )
    tickets = (
        ComplaintTicket.objects.filter(upgraded_on__isnull=False, upgraded_on__lte=cut_off)
        .filter(Q(upgraded_on__gte=start) | assessed_before)
        .exclude(included_elsewhere)
    )
    tickets = (
        in_partner_range(tickets, partners)
        .order_by("ticket_id")
        .values_list("partner_id", "cooperation_type", "pk", "ticket_id", "upgraded_on")
    )
    out: dict[tuple[int, str], list[tuple[int, str]]] = {}
    earlier = []
    for partner_id, cooperation_type, pk, ticket_id, upgraded_on in tickets.iterator(chunk_size=2000):
        if upgraded_on >= start:
            out.setdefault((partner_id, cooperation_type), []).append((pk, ticket_id))
        else:
            earlier.append((partner_id, cooperation_type, pk, ticket_id, (upgraded_on - grace).replace(day=1)))
    if earlier:
        # few: upgrades not counted anywhere yet although their own window has passed
        approved = set(MonthlyAssessment.objects.filter(
            status=ApprovalStatus.APPROVED, partner_id__in={row[0] for row in earlier},
            month__in={row[4] for row in earlier},
        ).values_list("partner_id", "cooperation_type", "month"))
        for partner_id, cooperation_type, pk, ticket_id, own_month in earlier:
            if (partner_id, cooperation_type, own_month) in approved:
                out.setdefault((partner_id, cooperation_type), []).append((pk, ticket_id))
        for rows in out.values():
            rows.sort(key=lambda row: row[1])
    return out


@dataclass(frozen=True)
class MonthInputs:
    """Everything the month's assessment reads, keyed by (partner_id, cooperation_type)."""

    inputs: dict[tuple[int, str], AssessmentInputs]
    upgraded: dict[tuple[int, str], list[tuple[int, str]]]


def in_partner_range(queryset, partners: tuple[int, int] | None):
    """Only the partners of an inclusive id range (a shard of the month end); all without one."""
    if partners is None:
        return queryset
    return queryset.filter(partner_id__gte=partners[0], partner_id__lte=partners[1])


def assessment_inputs_for_month(*, month: dt.date, partners: tuple[int, int] | None = None) -> MonthInputs:
    """Aggregate revenue, tickets, contributions and incubation for every partner-type of the month in a few queries
    (``assessment_inputs_batches`` gathered into one)."""
    inputs: dict[tuple[int, str], AssessmentInputs] = {}
    upgraded: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for batch, _ in assessment_inputs_batches(month=month, partners=partners):
        inputs.update(batch.inputs)
        upgraded.update(batch.upgraded)
    return MonthInputs(inputs=inputs, upgraded=upgraded)


def _partner_rows(queryset, kind: str) -> Iterator[tuple]:
    """``(partner_id, kind, row)`` of a query ordered by partner, fetched a chunk at a time (a server-side cursor on
    PostgreSQL)."""
    for row in queryset.iterator(chunk_size=BATCH_ROWS):
        yield row[0], kind, row


def _partner_rows_fetched(queryset, kind: str) -> Iterator[tuple]:
    """As ``_partner_rows`` for an aggregate of plain numbers, through an ordinary cursor: PostgreSQL runs it with
    parallel workers (a server-side cursor never is), the driver keeps the compact result and rows become Python
    objects a chunk at a time."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH_ROWS):
            for row in rows:
                yield row[0], kind, row


# rows turned into Python objects at a time when streaming the assessment's inputs
BATCH_ROWS = 2000


def assessment_inputs_batches(
    *, month: dt.date, partners: tuple[int, int] | None = None, size: int = BATCH_ROWS
) -> Iterator[tuple[MonthInputs, int | None]]:
    """The month's assessment inputs in batches of whole partners (about ``size`` partner-types each), each with
    the highest partner id it covers (None for the last: up to the end of the range), so that the batches cover the
    partner ids without a gap. Every query runs once for the month, ordered by partner, and is read as it is merged:
    memory holds one batch, not the month.

    Assessed partner-types (R-M-PERIOD, [interpretation]): those with a contract active at any time in the
    month, plus those with revenue, complaint tickets received, or upgraded complaints counted in the month.
    ``partners`` (an inclusive partner-id range) limits it to those partners (a shard of the month end).
    """
    month = month.replace(day=1)
    end = month_end(month)
    _, book = rule_book_in_force(on=month)
    each_failure_counts = book.flag("deduction_each_failure_counts")
    # few (the month's upgrades), and their selection needs the whole month at once
    upgraded = upgraded_complaint_candidates(month=month, grace_days=book.integer("upgrade_grace_days"),
                                             partners=partners)
    tickets = (
        in_partner_range(ComplaintTicket.objects.filter(received_on__gte=month, received_on__lte=end), partners)
        .order_by()
        .values("partner_id", "cooperation_type")
        .annotate(
            unknowing=Count("id", filter=Q(category=ComplaintCategory.UNKNOWING_SUBSCRIPTION)),
            late=Count("id", filter=Q(handled_late=True)),
            quality=Count("id", filter=Q(quality_failed=True)),
            both=Count("id", filter=Q(handled_late=True, quality_failed=True)),
        )
        .values_list("partner_id", "cooperation_type", "unknowing", "late", "quality", "both")
        .order_by("partner_id")
    )
    streams = [
        _partner_rows(in_partner_range(contracts_active_in_month(month=month), partners)
                      .order_by("partner_id").values_list("partner_id", "cooperation_type").distinct(), "contract"),
        _partner_rows(in_partner_range(MonthlyRevenue.objects.filter(month=month), partners).order_by("partner_id")
                      .values_list("partner_id", "cooperation_type", "phone_bill", "third_party", "cash"), "revenue"),
        _partner_rows_fetched(tickets, "tickets"),
        _partner_rows(in_partner_range(MonthlyContribution.objects.filter(month=month), partners)
                      .order_by("partner_id").values_list(
                          "partner_id", "cooperation_type", "marketing_resources",
                          "marketing_includes_client_promotion", "cash_contribution", "ad_sales", "active_users"),
                      "contribution"),
        _partner_rows(in_partner_range(contracts_active_in_month(month=month).filter(incubation=True), partners)
                      .order_by("partner_id").values_list("partner_id", "cooperation_type", "start_date"),
                      "incubation"),
        iter(sorted((key[0], "upgraded", key) for key in upgraded)),
    ]

    found: dict[tuple[int, str], dict] = {}

    def batch() -> MonthInputs:
        inputs = {}
        for key, seen in found.items():
            if not seen.get("assessed"):
                continue  # contributions or incubation alone do not make a partner-type assessed
            contribution = seen.get("contribution", {})
            unknowing, late_or_quality = seen.get("tickets", (0, 0))
            inputs[key] = AssessmentInputs(
                month=month,
                cooperation_type=key[1],
                revenue=seen.get("revenue", Decimal("0.00")),
                complaint_count=unknowing,
                incubation_start=seen.get("incubation"),
                marketing_resources=contribution.get("marketing_resources", False),
                marketing_includes_client_promotion=contribution.get("marketing_includes_client_promotion", False),
                cash_contribution=contribution.get("cash_contribution", Decimal("0.00")),
                ad_sales=contribution.get("ad_sales", Decimal("0.00")),
                active_users=contribution.get("active_users", 0),
                late_or_quality_count=late_or_quality,
                upgraded_ticket_ids=tuple(ticket_id for _, ticket_id in upgraded.get(key, [])),
            )
        return MonthInputs(inputs=inputs, upgraded={key: upgraded[key] for key in inputs if key in upgraded})

    last_partner = None
    for partner_id, kind, row in heapq.merge(*streams, key=lambda item: item[0]):
        if partner_id != last_partner and last_partner is not None and len(found) >= size:
            yield batch(), last_partner
            found = {}
        last_partner = partner_id
        key = (row[0], row[1])
        seen = found.setdefault(key, {})
        if kind == "contract" or kind == "upgraded":
            seen["assessed"] = True
        elif kind == "revenue":
            seen["assessed"] = True
            seen["revenue"] = money(row[2] + row[3] + row[4])
        elif kind == "tickets":
            # R-M-DED: 1 次扣 1 分 per occurrence — a ticket both late and below standard is two occurrences,
            # unless the rule set counts such a ticket once
            unknowing, late, quality, both = row[2:]
            seen["assessed"] = True
            seen["tickets"] = (unknowing, late + quality - (0 if each_failure_counts else both))
        elif kind == "contribution":
            seen["contribution"] = dict(zip(
                ("marketing_resources", "marketing_includes_client_promotion", "cash_contribution", "ad_sales",
                 "active_users"), row[2:], strict=True))
        else:  # incubation: the latest start of the partner-type's incubating contracts
            seen["incubation"] = max(row[2], seen.get("incubation", row[2]))
    yield batch(), None


def assessments_for_list() -> QuerySet[MonthlyAssessment]:
    return MonthlyAssessment.objects.select_related("partner", "rule_set")


def penalty_proposals_for_list() -> QuerySet[PenaltyProposal]:
    return PenaltyProposal.objects.select_related("partner", "rule_set", "superseded_by")


# --- The partner's path to the next bracket and the next warning level ------------------------------------------


def assessment_inputs_of(*, assessment: MonthlyAssessment) -> AssessmentInputs:
    """The inputs an assessment was computed on: its stored figures (revenue, tickets, deductions, incubation)
    and the month's contribution record (the bonus lines, R-M-BONUS), which the assessment does not copy."""
    contribution = (
        MonthlyContribution.objects.filter(
            partner_id=assessment.partner_id, cooperation_type=assessment.cooperation_type, month=assessment.month
        )
        .values("marketing_resources", "marketing_includes_client_promotion", "cash_contribution", "ad_sales",
                "active_users")
        .first()
    ) or {}
    upgraded = tuple(
        UpgradedComplaintInclusion.objects.filter(assessment=assessment)
        .order_by("ticket__ticket_id")
        .values_list("ticket__ticket_id", flat=True)
    )
    if len(upgraded) != assessment.upgraded_count:  # the stored count is the result; ids only name the tickets
        upgraded = tuple(f"#{n + 1}" for n in range(assessment.upgraded_count))
    return AssessmentInputs(
        month=assessment.month,
        cooperation_type=assessment.cooperation_type,
        revenue=assessment.revenue,
        complaint_count=assessment.complaint_count,
        # R-M-INCUB: the stored flag is the result; the start month only decides the flag (month 1 of incubation)
        incubation_start=assessment.month if assessment.incubation else None,
        marketing_resources=contribution.get("marketing_resources", False),
        marketing_includes_client_promotion=contribution.get("marketing_includes_client_promotion", False),
        cash_contribution=contribution.get("cash_contribution", Decimal("0.00")),
        ad_sales=contribution.get("ad_sales", Decimal("0.00")),
        active_users=contribution.get("active_users", 0),
        late_or_quality_count=assessment.late_or_quality_count,
        upgraded_ticket_ids=upgraded,
    )


def assessment_path(*, assessment: MonthlyAssessment) -> dict:
    """What would lift each item of the assessment to its next bracket, from the assessment's own rule set."""
    path = assessment_next_bracket_path(
        inputs=assessment_inputs_of(assessment=assessment), book=rule_book_for(assessment.rule_set)
    )
    # the path is recomputed from the inputs; say so when they no longer give the stored total (data corrected
    # after the assessment was computed, or a result entered by hand)
    path["matches_assessment"] = to_decimal(path["total"]) == assessment.total
    return {"id": assessment.pk, "partner": assessment.partner.code, "cooperation_type": assessment.cooperation_type,
            "month": assessment.month, "assessed_total": assessment.total, **path}


def warning_path(*, warning: MonthlyWarning, today: dt.date) -> dict:
    """Notifications left before the warning's next level (its own rule set) and, when ``today`` falls in the
    warning's month, today's tickets left before the next daily notification (the set in force today)."""
    path = warning_next_level_path(notification_count=warning.notification_count,
                                   book=rule_book_for(warning.rule_set))
    day = None
    if warning.month <= today <= month_end(warning.month):
        try:
            _, day_book = rule_book_in_force(on=today)
        except NoRuleSetInForce:
            day_book = rule_book_for(warning.rule_set)
        count = ComplaintTicket.objects.filter(
            partner_id=warning.partner_id, cooperation_type=warning.cooperation_type, received_on=today,
            category=ComplaintCategory.UNKNOWING_SUBSCRIPTION,
        ).count()
        day = {"date": today, **daily_next_notification_path(complaint_count=count, book=day_book)}
    return {"id": warning.pk, "partner": warning.partner.code, "cooperation_type": warning.cooperation_type,
            "month": warning.month, **path, "today": day}
# --- Overrides: effective values of overridden decisions (issue 15 item 4; docs/overrides.md) ---------------------

#: assessment items staff may override → (rule-book key naming the item's rule id, rule-book key of its maximum)
#: — the four lines of R-M-TOTAL; ``None``: the maximum is the highest points of the item's brackets, or unbounded
ASSESSMENT_OVERRIDE_ITEMS: dict[str, tuple[str, str | None]] = {
    "revenue_score": ("revenue_score_brackets", "revenue_score_max"),
    "health_score": ("health_ratio_brackets", None),
    "bonus_score": ("bonus_cap", "bonus_cap"),
    "deduction_score": ("deduction_per_late_or_quality_ticket", None),
}


def assessment_item_bounds(*, book: RuleBook, item: str) -> tuple[Decimal, Decimal | None]:
    """The points an overridden assessment item may take, from the rule set (never a literal)."""
    _rule_key, max_key = ASSESSMENT_OVERRIDE_ITEMS[item]
    if max_key is not None:
        return Decimal(0), book.number(max_key)
    if item == "health_score":
        return Decimal(0), max(to_decimal(p) for p in book.brackets("health_ratio_brackets").points)
    return Decimal(0), None


def assessment_effective_total(*, assessment: MonthlyAssessment, scores: dict[str, Decimal]) -> Decimal:
    """R-M-TOTAL over the effective item scores: revenue + health + bonus − deductions, clamped to the bounds of
    the rule set the assessment was computed with."""
    book = rule_book_for(assessment.rule_set)
    raw = scores["revenue_score"] + scores["health_score"] + scores["bonus_score"] - scores["deduction_score"]
    return money(clamp(raw, book.number("total_min"), book.number("total_max")))


def _attach(rows, *, kind: str, published_only: bool, key) -> None:
    """``row.decision_overrides`` for every row; a key whose item is ``None`` collects every item of the row."""
    found = overrides_for_keys(kind=kind, keys=[key(r) for r in rows], published_only=published_only)
    by_decision: dict[tuple, list] = {}
    for natural_key, overrides in found.items():
        by_decision.setdefault(natural_key, []).extend(overrides)
        by_decision.setdefault((*natural_key[:3], None), []).extend(overrides)
    for row in rows:
        row.decision_overrides = sorted(by_decision.get(key(row), []), key=lambda o: (o.created_at, o.pk),
                                        reverse=True)


def assessments_attach_overrides(rows, *, published_only: bool = False) -> list[MonthlyAssessment]:
    """Give each assessment ``decision_overrides`` (newest first), ``overrides_in_force`` ({item: override}),
    ``effective_scores`` and ``effective_total`` — one query for all rows (lists, exports)."""
    rows = list(rows)
    if not rows:
        return rows
    _attach(rows, kind=OverrideKind.ASSESSMENT_ITEM, published_only=published_only,
            key=lambda r: (r.partner_id, r.cooperation_type, r.month, None))
    for row in rows:
        in_force = {o.item: o for o in row.decision_overrides if o.in_force}
        row.overrides_in_force = in_force
        row.effective_scores = {
            item: Decimal(in_force[item].value) if item in in_force else getattr(row, item)
            for item in ASSESSMENT_OVERRIDE_ITEMS
        }
        row.effective_total = (assessment_effective_total(assessment=row, scores=row.effective_scores)
                               if in_force else row.total)
    return rows


def proposal_effective_measures(*, proposal: PenaltyProposal, override=None) -> list[dict]:
    """The measures that apply: the override's durations where one is in force (``None`` = not applied), else the
    proposal's own (R-D-WARN)."""
    if override is None:
        key = (proposal.partner_id, proposal.cooperation_type, proposal.month, str(proposal.level))
        override = override_in_force(overrides_for_keys(kind=OverrideKind.PENALTY_PROPOSAL, keys=[key]).get(key, []))
    if override is None:
        return list(proposal.measures)
    chosen = override.value.get("measures", {})
    effective = []
    for measure in proposal.measures:
        if measure["action"] in chosen:
            if chosen[measure["action"]] is None:
                continue
            measure = {**measure, "duration": chosen[measure["action"]]}
        effective.append(measure)
    return effective


def proposals_attach_overrides(rows, *, published_only: bool = False) -> list[PenaltyProposal]:
    """``decision_overrides``, ``override_in_force`` and ``effective_measures`` on each proposal, in one query."""
    rows = list(rows)
    if not rows:
        return rows
    _attach(rows, kind=OverrideKind.PENALTY_PROPOSAL, published_only=published_only,
            key=lambda r: (r.partner_id, r.cooperation_type, r.month, str(r.level)))
    for row in rows:
        row.override_in_force = next((o for o in row.decision_overrides if o.in_force), None)
        row.effective_measures = (proposal_effective_measures(proposal=row, override=row.override_in_force)
                                  if row.override_in_force else list(row.measures))
    return rows
