"""Staff copy the set in force to a draft in the admin, edit it with validation, and activate it."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from backtest.models import RuleSetActivationRequest
from backtest.services import backtest_job
from core.approval import approval_approve
from core.choices import ApproverRole
from scoring.choices import RuleSetStatus
from scoring.models import RuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-12345"))
    return client


def _inline_post_data(rule_set, overrides, effective_from=""):
    entries = list(rule_set.entries.order_by("rule_id", "key"))
    data = {
        "name": rule_set.name, "effective_from": effective_from, "note": "公告调整",
        "entries-TOTAL_FORMS": str(len(entries)), "entries-INITIAL_FORMS": str(len(entries)),
        "entries-MIN_NUM_FORMS": "0", "entries-MAX_NUM_FORMS": "1000",
    }
    for i, entry in enumerate(entries):
        value = overrides.get(entry.key, entry.value)
        data.update({
            f"entries-{i}-id": str(entry.pk), f"entries-{i}-rule_set": str(rule_set.pk),
            f"entries-{i}-value": json.dumps(value), f"entries-{i}-unit": entry.unit,
            f"entries-{i}-description": entry.description,
        })
        if entry.assumed:
            data[f"entries-{i}-assumed"] = "on"
    return data


def test_copy_edit_and_activate_through_the_admin(admin_client_logged, django_user_model):
    changelist = reverse("admin:scoring_ruleset_changelist")
    v1 = RuleSet.objects.get(version=1)
    admin_client_logged.post(changelist, {"action": "copy_as_draft", "_selected_action": [v1.pk]})
    draft = RuleSet.objects.get(based_on=v1)
    change_url = reverse("admin:scoring_ruleset_change", args=[draft.pk])

    bad = _inline_post_data(draft, {"extra_deduction_min_percent": {"value": 150}})
    response = admin_client_logged.post(change_url, bad)
    assert response.status_code == 200
    assert "百分比须在 0–100 之间" in response.content.decode()
    assert draft.entries.get(key="extra_deduction_min_percent").value == {"value": 50}

    good = _inline_post_data(draft, {"notify_threshold": {"value": 30}}, effective_from="2027-01-01")
    assert admin_client_logged.post(change_url, good).status_code == 302
    assert draft.entries.get(key="notify_threshold").value == {"value": 30}

    # 启用 files an activation request (back-test of the last complete month first), the division leader approves
    backtest_job(rule_set=draft, months=[dt.date(2026, 10, 1)], today=dt.date(2026, 11, 20))
    with mock.patch("backtest.services.timezone.localdate", return_value=dt.date(2026, 11, 20)):
        admin_client_logged.post(changelist, {"action": "activate", "_selected_action": [draft.pk]})
        draft.refresh_from_db()
        assert draft.status == RuleSetStatus.DRAFT
        leader = django_user_model.objects.create_user("leader", "l@example.com", "pw-leader-12345")
        leader.groups.add(Group.objects.get(name=ApproverRole.DIVISION_LEADER))
        approval_approve(obj=RuleSetActivationRequest.objects.get(rule_set=draft), actor=leader)
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE and draft.effective_from == dt.date(2027, 1, 1)
    # an active set is read-only in the admin: a POST changes nothing
    admin_client_logged.post(change_url, _inline_post_data(draft, {"notify_threshold": {"value": 99}}))
    assert draft.entries.get(key="notify_threshold").value == {"value": 30}
