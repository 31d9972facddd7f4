"""Averages in the code rules are compared unrounded (R-B-MORE): rounding to 2 places would turn
49,999.995 into 50,000.00 and pass a test the original (平均不低于 5 万用户) fails."""

from decimal import Decimal

import pytest

from codes.rules import average, evaluate_more_monthly, evaluate_more_per_use


@pytest.mark.parametrize(("short_by", "passed"), [(1, False), (0, True)])
def test_200_codes_averaging_49999_995_users_fail_the_5万_test_r_b_more(short_by, passed):
    users = [(f"C{n:03d}", 50000) for n in range(199)] + [("C199", 50000 - short_by)]
    result = evaluate_more_monthly(users_by_code=users, min_per_code=10000, min_average=50000,
                                   month_label="2026-09", rule="R-B-MORE")
    assert result["passed"] is passed
    if not passed:
        assert average([u for _, u in users]) == Decimal("49999.995")
        assert "49999.995" in result["detail"]


@pytest.mark.parametrize(("short_by", "passed"), [(1, False), (0, True)])
def test_per_use_average_is_compared_unrounded_r_b_more(short_by, passed):
    orders = [(f"P{n:03d}", 10000) for n in range(199)] + [("P199", 10000 - short_by)]
    result = evaluate_more_per_use(orders_by_code=orders, min_average=10000, month_label="2026-09", rule="R-B-MORE")
    assert result["passed"] is passed
