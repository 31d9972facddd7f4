"""The shared data-migration operations: rule entries reach every rule set once and leave only editable sets when
undone; beat schedules are created once under their name and left as staff changed them."""

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from core.migration_helpers import beat_schedule_add, beat_schedule_remove, rule_entries_add, rule_entries_remove
from scoring.models import RuleEntry, RuleSet
from scoring.services import rule_set_copy_as_draft, rule_set_mark_used

ENTRIES = [("helper_probe", "R-X-PROBE", "number", {"value": 3}, "次", "说明", "附件", False)]
TASKS = [("探测任务", "scoring.run_daily_notifications", ("15", "1", "*"), "说明")]

pytestmark = pytest.mark.django_db


def test_rule_entries_reach_every_set_once_and_stay_in_locked_sets_when_undone(staff_user):
    used = RuleSet.objects.get(version=1)
    draft = rule_set_copy_as_draft(source=used, actor=staff_user)
    rule_set_mark_used(rule_set_id=used.pk)

    assert rule_entries_add(apps, ENTRIES) == RuleSet.objects.count()
    assert rule_entries_add(apps, ENTRIES) == 0
    rule_entries_remove(apps, ENTRIES)

    assert list(RuleEntry.objects.filter(key="helper_probe").values_list("rule_set", flat=True)) == [used.pk]
    assert not RuleEntry.objects.filter(key="helper_probe", rule_set=draft).exists()


def test_a_beat_schedule_is_created_once_and_keeps_what_staff_changed():
    beat_schedule_add(apps, TASKS)
    task = PeriodicTask.objects.get(name="探测任务")
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("15", "1", "Asia/Shanghai")
    task.enabled = False
    task.save()

    beat_schedule_add(apps, TASKS)
    assert PeriodicTask.objects.filter(name="探测任务", enabled=False).count() == 1
    beat_schedule_remove(apps, TASKS)
    assert not PeriodicTask.objects.filter(name="探测任务").exists()
