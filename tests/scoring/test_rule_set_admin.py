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


def test_the_rule_set_page_reads_as_labelled_rules_grouped_by_rule_id(admin_client_logged):
    v1 = RuleSet.objects.get(version=1)
    html = admin_client_logged.get(reverse("admin:scoring_ruleset_change", args=[v1.pk])).content.decode()
    assert "R-M 月度考核" in html and "R-K 信用" in html
    assert "单日不知情订购投诉达到此数量通报1次" in html and "25 件/日" in html  # R-D-NOTIFY, with its unit
    assert "≥ 3,000,000" in html or "≥ 3000000" in html  # R-M-REV brackets as a table
    assert "1年" in html and "2年" in html  # R-B-YEAREND, R-X-EXIT durations
    assert "申请新业务代码" in html and "apply_codes" not in html  # list items as labels
    assert '"thresholds"' not in html and "entries-TOTAL_FORMS" not in html  # no raw JSON, no form on an active set
    if v1.entries.filter(assumed=True).exists():
        assert "rule-assumed" in html


def test_a_draft_entry_is_edited_on_its_page_through_the_validating_service(admin_client_logged):
    v1 = RuleSet.objects.get(version=1)
    admin_client_logged.post(reverse("admin:scoring_ruleset_changelist"),
                             {"action": "copy_as_draft", "_selected_action": [v1.pk]})
    draft = RuleSet.objects.get(based_on=v1)
    assert reverse("admin:scoring_ruleentry_change", args=[draft.entries.get(key="notify_threshold").pk]) in (
        admin_client_logged.get(reverse("admin:scoring_ruleset_change", args=[draft.pk])).content.decode())
    entry = draft.entries.get(key="extra_deduction_min_percent")
    url = reverse("admin:scoring_ruleentry_change", args=[entry.pk])
    response = admin_client_logged.post(url, {"value": json.dumps({"value": 150})})
    assert response.status_code == 200 and "百分比须在 0–100 之间" in response.content.decode()
    assert admin_client_logged.post(url, {"value": json.dumps({"value": 60}), "assumed": "on"}).status_code == 302
    entry.refresh_from_db()
    assert entry.value == {"value": 60} and entry.assumed
