"""Every number of RULES.md §8 is rule-set data with its rule id; the seed's silences are marked assumed (假定)."""

import importlib

import pytest
from django.apps import apps

from scoring.models import RuleEntry, RuleSet
from scoring.rule_validation import validate_rule_value

from .factories import book

pytestmark = pytest.mark.django_db

migration = importlib.import_module("newspaper.migrations.0002_newspaper_rule_entries")

NUMBERS = [
    ("newspaper_test_days", "R-N-LAUNCH", 7),
    ("newspaper_test_max_score", "R-N-LAUNCH", 30),
    ("newspaper_test_score_window_days", "R-N-LAUNCH", 2),
    ("newspaper_test_summary_due_days", "R-N-LAUNCH", 5),
    ("newspaper_score_first_year", "R-N-SCORE", 100),
    ("newspaper_score_initial_base", "R-N-SCORE", 50),
    ("newspaper_score_previous_divisor", "R-N-SCORE", 2),
]

ASSUMED = {
    "newspaper_news_categories", "newspaper_sector_categories", "newspaper_required_documents",
    "newspaper_reprint_media_only", "newspaper_document_expiry_warning_days", "newspaper_qualification_stages",
    "newspaper_test_late_scores_counted", "newspaper_test_score_method", "newspaper_adjust_restart_stage",
    "newspaper_score_first_year", "newspaper_score_previous_divisor", "newspaper_breach_deductions",
    "newspaper_score_floor", "newspaper_score_thresholds",
}


@pytest.mark.parametrize(("key", "rule_id", "number"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_rule_set_holds_every_newspaper_number(key, rule_id, number):
    assert book().rule_id(key) == rule_id
    assert book().number(key) == number


def test_every_entry_is_valid_described_and_assumed_where_the_seed_is_silent():
    entries = RuleEntry.objects.filter(rule_set__version=1, key__startswith="newspaper_")
    assert entries.count() == len(migration.ENTRIES)
    for entry in entries:
        assert validate_rule_value(entry.kind, entry.value) == [], entry.key
        assert entry.description and entry.rule_id.startswith("R-N-")
    assert set(entries.filter(assumed=True).values_list("key", flat=True)) == ASSUMED


def test_r_n_launch_durations_and_brackets():
    rules_book = book()
    assert rules_book.duration("newspaper_reject_reapply_after") == {"value": 3, "unit": "months"}
    assert rules_book.duration("newspaper_authorisation_min_term") == {"value": 3, "unit": "years"}
    assert rules_book.param("newspaper_test_decision_brackets").value["thresholds"] == [18, 25]
    assert len(rules_book.items("newspaper_categories")) == 12


def test_migration_adds_to_every_set_and_skips_present_keys():
    v1 = RuleSet.objects.get(version=1)
    RuleEntry.objects.filter(rule_set=v1, key="newspaper_test_days").update(value={"value": 10})
    RuleEntry.objects.filter(rule_set=v1, key="newspaper_test_max_score").delete()
    other = RuleSet.objects.create(version=2, name="草稿")
    migration.add_entries(apps, None)
    assert RuleEntry.objects.get(rule_set=v1, key="newspaper_test_days").value == {"value": 10}
    assert RuleEntry.objects.get(rule_set=v1, key="newspaper_test_max_score").value == {"value": 30}
    assert other.entries.filter(key__startswith="newspaper_").count() == len(migration.ENTRIES)
    migration.add_entries(apps, None)
    assert other.entries.filter(key__startswith="newspaper_").count() == len(migration.ENTRIES)
