"""Every number of RULES.md §6 is rule-set data with its rule id (R-B-*)."""

import importlib

import pytest
from django.apps import apps

from scoring.models import RuleEntry, RuleSet
from scoring.rule_validation import validate_rule_value
from scoring.selectors import rule_book_in_force

pytestmark = pytest.mark.django_db

migration = importlib.import_module("codes.migrations.0002_code_rule_entries")

EXPECTED = [
    ("code_partner_categories", "R-B-SCOPE", None),
    ("code_first_batch_limits", "R-B-FIRST", None),
    ("code_review_min_reviewers", "R-B-REVIEW", 3),
    ("code_review_chains", "R-B-REVIEW", None),
    ("code_review_checklist", "R-B-CHECK", None),
    ("code_more_min_users_per_code", "R-B-MORE", 10000),
    ("code_more_min_average_users", "R-B-MORE", 50000),
    ("code_more_min_average_orders", "R-B-MORE", 10000),
    ("code_more_contribution_per_code", "R-B-MORE", 300000),
    ("code_block_restricted_actions", "R-B-BLOCK", None),
    ("code_change_fields", "R-B-CHANGE", None),
    ("code_yearend_window_months", "R-B-YEAREND", 6),
    ("code_yearend_min_average_users", "R-B-YEAREND", 1000),
    ("code_exit_min_users", "R-B-EXIT", 1000),
    ("code_exit_unsubscribe_batch_size", "R-B-EXIT", 1000),
    ("code_internal_review_chain", "R-B-INTERNAL", None),
]


@pytest.mark.parametrize(("key", "rule_id", "number"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_default_rule_set_holds_every_code_number(key, rule_id, number):
    _, book = rule_book_in_force(on=RuleSet.objects.get(version=1).effective_from)
    assert book.rule_id(key) == rule_id
    if number is not None:
        assert book.number(key) == number
    entry = RuleEntry.objects.get(rule_set__version=1, key=key)
    assert validate_rule_value(entry.kind, entry.value) == []
    assert entry.description


def test_first_batch_limits_and_checklist_and_year():
    """R-B-FIRST limits per partner kind, R-B-CHECK five points, R-B-YEAREND one year."""
    _, book = rule_book_in_force(on=RuleSet.objects.get(version=1).effective_from)
    limits = {(r["cooperation_type"], r["partner_class"]): (r["monthly"], r["per_use"])
              for r in book.rows("code_first_batch_limits")}
    assert limits == {("joint_membership", "ordinary"): (1, 0), ("joint_membership", "core"): (3, 0),
                      ("sales_channel", "*"): (1, 5)}
    assert len(book.items("code_review_checklist")) == 5
    assert book.duration("code_yearend_min_in_force") == {"value": 1, "unit": "years"}


def test_migration_adds_to_every_set_and_skips_present_keys():
    v1 = RuleSet.objects.get(version=1)
    RuleEntry.objects.filter(rule_set=v1, key="code_exit_min_users").update(value={"value": 1500})
    RuleEntry.objects.filter(rule_set=v1, key="code_review_min_reviewers").delete()
    other = RuleSet.objects.create(version=2, name="草稿")
    migration.add_entries(apps, None)
    assert RuleEntry.objects.get(rule_set=v1, key="code_exit_min_users").value == {"value": 1500}
    assert RuleEntry.objects.get(rule_set=v1, key="code_review_min_reviewers").value == {"value": 3}
    assert other.entries.count() == len(migration.ENTRIES)
    migration.add_entries(apps, None)
    assert other.entries.count() == len(migration.ENTRIES)
