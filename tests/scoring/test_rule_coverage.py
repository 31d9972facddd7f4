"""Every rule id of RULES.md §1 and §2 is checked by a named test in tests/scoring (by id or test name)."""

import re
from pathlib import Path

import pytest

RULE_IDS = [
    "R-M-PERIOD", "R-M-TOTAL", "R-M-REV", "R-M-INCUB", "R-M-HEALTH", "R-M-BONUS", "R-M-NODOUBLE", "R-M-ADS",
    "R-M-DED", "R-M-UPGRADE-ONCE", "R-M-APPROVAL",
    "R-D-NOTIFY", "R-D-WARN", "R-D-DUAL", "R-D-APPROVAL",
]
TEST_SOURCES = "\n".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py")
                         if path.name != Path(__file__).name)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_id_has_a_named_test(rule_id):
    name = rule_id.lower().replace("-", "_")
    assert re.search(rf"def test_\w*{name}(?![a-z])", TEST_SOURCES), f"no test named for {rule_id}"
