import datetime as dt

import pytest

import credit.selectors


@pytest.fixture
def notifications(monkeypatch):
    """R-D-NOTIFY counts as the credit job reads them (as in tests/credit): ``notifications[month][(pid, type)]``."""
    counts: dict[dt.date, dict[tuple[int, str], int]] = {}
    monkeypatch.setattr(
        credit.selectors, "notification_counts_for_month", lambda *, month: dict(counts.get(month, {}))
    )
    return counts
