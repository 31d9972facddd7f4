"""Monthly warning levels (R-D-WARN) from the month's running notification total, and the selectors others read."""

import datetime as dt
from decimal import Decimal

import pytest

from scoring.models import MonthlyWarning
from scoring.selectors import notification_counts_for_month, warning_levels_for_month, warning_payout_percent
from scoring.services import daily_notifications_run
from tests.factories import PartnerFactory
from tests.scoring.factories import JOINT, SALES, make_tickets

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def tickets_for(notifications: int) -> int:
    """Tickets in one day giving exactly ``notifications`` (R-D-NOTIFY: 25 → 1, +10 → +1)."""
    return 25 + 10 * (notifications - 1) if notifications else 0


def notify(partner, day: dt.date, notifications: int, cooperation_type=SALES):
    make_tickets(partner, day, tickets_for(notifications), cooperation_type=cooperation_type)


def run_month(days):
    for day in sorted(days):
        daily_notifications_run(day=day)


@pytest.mark.parametrize(
    ("total", "level"),
    [(1, 0), (4, 0), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3), (19, 3), (20, 4), (31, 4)],
)
def test_r_d_warn_level_from_the_months_total(total, level):
    partner = PartnerFactory(code="W1")
    days = [OCT + dt.timedelta(days=i) for i in range(total)]  # one notification a day
    for day in days:
        notify(partner, day, 1)
    run_month(days)
    warning = MonthlyWarning.objects.get()
    assert (warning.notification_count, warning.level) == (total, level)
    expected_reached = {str(lvl): (OCT + dt.timedelta(days=minimum - 1)).isoformat()
                        for lvl, minimum in [(1, 5), (2, 10), (3, 15), (4, 20)] if lvl <= level}
    assert warning.level_reached_on == expected_reached
    assert warning.items[0]["rule"] == "R-D-WARN"


def test_r_d_warn_records_the_day_each_level_was_first_reached():
    partner = PartnerFactory(code="W1")
    plan = {3: 3, 7: 1, 8: 1, 15: 6, 20: 9}  # running total: 3, 4, 5 (L1 on the 8th), 11 (L2 15th), 20 (L3+L4 20th)
    for day, n in plan.items():
        notify(partner, OCT.replace(day=day), n)
    run_month(OCT.replace(day=d) for d in plan)
    warning = MonthlyWarning.objects.get()
    assert warning.level == 4 and warning.notification_count == 20
    assert warning.level_reached_on == {"1": "2026-10-08", "2": "2026-10-15", "3": "2026-10-20", "4": "2026-10-20"}


def test_r_d_warn_rerunning_an_earlier_day_gives_the_same_warning():
    partner = PartnerFactory(code="W1")
    for day in (2, 4, 6):
        notify(partner, OCT.replace(day=day), 3)
    run_month(OCT.replace(day=d) for d in (2, 4, 6))
    before = list(MonthlyWarning.objects.values())
    daily_notifications_run(day=OCT.replace(day=2))
    assert list(MonthlyWarning.objects.values()) == before
    assert before[0]["level_reached_on"] == {"1": "2026-10-04"}


def test_r_d_warn_is_per_cooperation_type_and_per_month():
    partner = PartnerFactory(code="W1")
    notify(partner, OCT.replace(day=30), 4)
    notify(partner, OCT.replace(day=31), 4, cooperation_type=JOINT)
    notify(partner, dt.date(2026, 11, 1), 4)
    run_month([OCT.replace(day=30), OCT.replace(day=31), dt.date(2026, 11, 1)])
    assert warning_levels_for_month(month=OCT) == {}
    assert notification_counts_for_month(month=OCT) == {(partner.pk, SALES): 4, (partner.pk, JOINT): 4}
    assert notification_counts_for_month(month=dt.date(2026, 11, 1)) == {(partner.pk, SALES): 4}


def test_selectors_give_levels_and_counts_keyed_by_partner_and_type():
    a, b, c = PartnerFactory(code="A"), PartnerFactory(code="B"), PartnerFactory(code="C")
    notify(a, OCT.replace(day=5), 12)
    notify(b, OCT.replace(day=5), 5, cooperation_type=JOINT)
    notify(c, OCT.replace(day=5), 2)
    daily_notifications_run(day=OCT.replace(day=5))
    assert warning_levels_for_month(month=OCT.replace(day=17)) == {(a.pk, SALES): 2, (b.pk, JOINT): 1}
    assert notification_counts_for_month(month=OCT) == {(a.pk, SALES): 12, (b.pk, JOINT): 5, (c.pk, SALES): 2}


@pytest.mark.parametrize(("level", "percent"), [(0, "100"), (1, "75"), (2, "50"), (3, "25"), (4, "0")])
def test_r_d_warn_payout_percent_per_level(level, percent):
    assert warning_payout_percent(level=level, month=OCT) == Decimal(percent)


def test_r_d_warn_payout_percent_follows_the_rule_set_of_the_month(rule_set_v2):
    table = {
        "columns": {"level": "number", "min_notifications": "threshold", "promotion_suspension": "duration",
                    "code_application_suspension": "duration", "payout_percent": "percent"},
        "rows": [{"level": lvl, "min_notifications": 5 * lvl, "promotion_suspension": {"value": 1, "unit": "weeks"},
                  "code_application_suspension": {"value": 1, "unit": "months"}, "payout_percent": 80 - lvl * 10}
                 for lvl in (1, 2, 3, 4)],
    }
    rule_set_v2(dt.date(2026, 11, 1), warning_levels=table)
    assert warning_payout_percent(level=1, month=OCT) == 75
    assert warning_payout_percent(level=1, month=dt.date(2026, 11, 1)) == 70


def test_payout_percent_for_an_unknown_level_names_the_field():
    with pytest.raises(ValueError, match="level"):
        warning_payout_percent(level=5, month=OCT)
