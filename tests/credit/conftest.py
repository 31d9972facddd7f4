import datetime as dt

import pytest
from django.utils import timezone

import credit.selectors
from core.approval import approval_approve, approval_submit


@pytest.fixture(autouse=True)
def notifications(monkeypatch):
    """R-D-NOTIFY counts come from the scoring core; tests set them here: ``notifications[month][(pid, type)] = n``."""
    counts: dict[dt.date, dict[tuple[int, str], int]] = {}
    monkeypatch.setattr(
        credit.selectors, "notification_counts_for_month", lambda *, month: dict(counts.get(month, {}))
    )
    return counts


@pytest.fixture
def publish(staff_user, division_leader, monkeypatch):
    """Submit and approve any Approvable the proper way (optionally on a given local date)."""

    def _publish(obj, *, on: dt.date | None = None, approver=None):
        obj = approval_submit(obj=obj, actor=staff_user)
        if on is None:
            return approval_approve(obj=obj, actor=approver or division_leader)
        moment = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: moment)
            return approval_approve(obj=obj, actor=approver or division_leader)

    return _publish
