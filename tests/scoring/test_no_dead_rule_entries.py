"""No dead rule-set entries: every parameter of the default rule set is read by the application's code.

An entry no code reads is worse than none — staff can edit it and nothing changes. The test walks every entry of
the default set (as the migrations leave it) and looks for its key as a string in the application's modules
(migrations, tests and benchmarks excluded; docstrings do not count)."""

import ast
from pathlib import Path

import pytest

from scoring.models import RuleSet

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXCLUDED = {"tests", "bench", "migrations", ".venv", "node_modules"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def strings_in_application_code() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if EXCLUDED & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                found.update(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return found


def test_every_entry_of_the_default_rule_set_is_read_by_code():
    default = RuleSet.objects.get(version=1)
    keys = sorted(default.entries.values_list("key", flat=True))
    assert keys, "the default rule set has no entries"
    strings = strings_in_application_code()
    dead = [key for key in keys if key not in strings]
    assert dead == [], f"rule-set entries no code reads: {dead}"


def test_the_dead_entry_walk_can_fail():
    """The walk finds a key only where code names it (a key named only in a docstring or a migration is dead)."""
    strings = strings_in_application_code()
    assert "revenue_score_brackets" in strings
    assert "settlement_hold_grades" not in strings
