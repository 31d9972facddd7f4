"""Rule sets as versioned data: the default set, drafts, validation, activation and the date selector."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from scoring.choices import RuleSetStatus
from scoring.models import RuleSet
from scoring.selectors import NoRuleSetInForce, rule_book_in_force, rule_set_in_force
from scoring.services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft, rule_set_mark_used

pytestmark = pytest.mark.django_db

# Every rule id of RULES.md §1–§5 that carries a number or a switch must be present in the default set. R-S-HOLD
# has none of its own: which grades hold settlement is the grade table (R-K-RANGE credit_grade_sanctions).
RULE_IDS_WITH_DATA = {
    "R-M-TOTAL", "R-M-REV", "R-M-INCUB", "R-M-HEALTH", "R-M-BONUS", "R-M-NODOUBLE", "R-M-ADS", "R-M-DED",
    "R-M-UPGRADE-ONCE",
    "R-D-NOTIFY", "R-D-WARN",
    "R-C-PROV", "R-C-SUPV-PROV", "R-C-SUPV-NAT", "R-C-DIAL-PROV", "R-C-DIAL-GROUP", "R-C-DIAL-REG", "R-C-WARN-ESC",
    "R-C-NOTICE",
    "R-K-RANGE", "R-K-WEIGHTED", "R-K-HEALTH", "R-K-STRATEGIC", "R-K-COMPOSE", "R-K-MAJOR", "R-K-DEADLINE",
    "R-K-AFTER-END", "R-K-LINKED", "R-K-PRODUCTS",
    "R-S-WARN", "R-S-EXTRA", "R-S-NEG",
}


def default_set() -> RuleSet:
    return RuleSet.objects.get(version=1)


def test_default_rule_set_holds_every_rule_with_data():
    rule_set = default_set()
    assert rule_set.status == RuleSetStatus.ACTIVE
    assert RULE_IDS_WITH_DATA <= set(rule_set.entries.values_list("rule_id", flat=True))


def test_default_numbers_match_rules_md():
    _, book = rule_book_in_force(on=dt.date(2026, 1, 1))
    assert book.integer("notify_threshold") == 25 and book.integer("notify_step") == 10
    assert [r["min_notifications"] for r in book.rows("warning_levels")] == [5, 10, 15, 20]
    assert [r["payout_percent"] for r in book.rows("warning_levels")] == [75, 50, 25, 0]
    assert book.number("health_revenue_floor") == 10000
    assert book.integer("bonus_cap") == 50
    assert book.integer("deduction_per_upgraded_complaint") == 10
    assert book.duration("credit_sanction_deadline") == {"value": 5, "unit": "working_days"}
    assert book.number("extra_deduction_min_percent") == 50


def test_selector_picks_latest_effective_set_on_or_before_the_date(staff_user):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    entry = draft.entries.get(key="notify_threshold")
    rule_entry_update(entry=entry, value={"value": 30}, actor=staff_user)
    rule_set_activate(rule_set=draft, effective_from=dt.date(2027, 1, 1), actor=staff_user)

    assert rule_set_in_force(on=dt.date(2026, 12, 31)).version == 1
    assert rule_set_in_force(on=dt.date(2027, 1, 1)).version == draft.version
    assert rule_book_in_force(on=dt.date(2027, 6, 1))[1].integer("notify_threshold") == 30
    with pytest.raises(NoRuleSetInForce):
        rule_set_in_force(on=dt.date(2000, 1, 1))


@pytest.mark.parametrize(
    ("key", "bad_value", "message"),
    [
        ("revenue_score_brackets", {"thresholds": [300000, 100000], "points": [0, 10, 20], "closed": "left"},
         "严格递增"),
        ("revenue_score_brackets", {"thresholds": [100000, 100000], "points": [0, 10, 20], "closed": "left"},
         "严格递增"),
        ("revenue_score_brackets", {"thresholds": [100000], "points": [0], "closed": "left"}, "多一项"),
        ("extra_deduction_min_percent", {"value": 101}, "0–100"),
        ("extra_deduction_min_percent", {"value": -1}, "0–100"),
        ("reentry_ban", {"value": 0, "unit": "years"}, "正数"),
        ("reentry_ban", {"value": 2, "unit": "fortnights"}, "单位"),
        ("notify_threshold", {"value": "many"}, "数值"),
        ("credit_month_weights", {"weights": [0.5, 1.5]}, "0–1"),
    ],
)
def test_draft_validation_rejects_bad_values(staff_user, key, bad_value, message):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    entry = draft.entries.get(key=key)
    with pytest.raises(ValidationError) as excinfo:
        rule_entry_update(entry=entry, value=bad_value, actor=staff_user)
    assert message in " ".join(excinfo.value.messages)
    assert entry.rule_id in " ".join(excinfo.value.messages)


def test_warning_table_levels_must_not_overlap(staff_user):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    entry = draft.entries.get(key="warning_levels")
    value = entry.value
    value["rows"][1]["min_notifications"] = 5
    with pytest.raises(ValidationError, match="严格递增"):
        rule_entry_update(entry=entry, value=value, actor=staff_user)


def test_active_set_cannot_be_edited(staff_user):
    entry = default_set().entries.get(key="notify_threshold")
    with pytest.raises(ValidationError, match="复制为新版本"):
        rule_entry_update(entry=entry, value={"value": 20}, actor=staff_user)


def test_set_used_by_approved_result_is_locked(staff_user):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    rule_set_mark_used(rule_set_id=draft.pk)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        rule_set_activate(rule_set=draft, effective_from=dt.date(2027, 1, 1), actor=staff_user)


def test_two_sets_cannot_share_an_effective_date(staff_user):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    with pytest.raises(ValidationError, match="同一生效日期"):
        rule_set_activate(rule_set=draft, effective_from=default_set().effective_from, actor=staff_user)


def test_activation_refuses_a_draft_missing_parameters(staff_user):
    draft = rule_set_copy_as_draft(source=default_set(), actor=staff_user)
    draft.entries.filter(key="bonus_cap").delete()
    with pytest.raises(ValidationError, match="bonus_cap"):
        rule_set_activate(rule_set=draft, effective_from=dt.date(2027, 1, 1), actor=staff_user)
