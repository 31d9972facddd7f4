import pytest

from tests.scoring.factories import default_rule_set


@pytest.fixture
def rule_set_v2(staff_user):
    """Make a copy of the default rule set with some values changed, active from a given date."""
    from scoring.services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft

    def make(effective_from, **values):
        draft = rule_set_copy_as_draft(source=default_rule_set(), actor=staff_user)
        for key, value in values.items():
            rule_entry_update(entry=draft.entries.get(key=key), value=value, actor=staff_user)
        return rule_set_activate(rule_set=draft, effective_from=effective_from, actor=staff_user)

    return make
