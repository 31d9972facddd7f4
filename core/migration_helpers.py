"""Data-migration operations the apps share: rule entries added to every rule set, and beat schedules.

Imported by migrations, so nothing here imports a model: the historical models come from ``apps.get_model``.

A new rule parameter (see docs/architecture.md, "Rules as data")::

    ENTRIES = [
        # (key, rule_id, kind, value, unit, description, source, assumed)
        ("new_key", "R-X-…", "number", {"value": 3}, "次", "说明（中文）", "第二章第三节", False),
    ]

    class Migration(migrations.Migration):
        dependencies = [("scoring", "0004_…")]
        operations = [rule_entries_operation(ENTRIES)]

A new scheduled job::

    TASKS = [
        # (name, task, (minute, hour, day_of_month), description)
        ("月度结算（上月）", "settlement.run_settlement", ("0", "4", "5"), "…"),
    ]
    operations = [beat_schedule_operation(TASKS)]
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"


def rule_entries_add(apps, entries) -> int:
    """Add each entry to every rule set that lacks its key (a key already present may have been edited: kept)."""
    RuleSet = apps.get_model("scoring", "RuleSet")
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    new = []
    for rule_set in RuleSet.objects.all():
        present = set(RuleEntry.objects.filter(rule_set=rule_set).values_list("key", flat=True))
        new += [
            RuleEntry(rule_set=rule_set, key=key, rule_id=rule_id, kind=kind, value=value, unit=unit,
                      description=description, source=source, assumed=assumed)
            for key, rule_id, kind, value, unit, description, source, assumed in entries
            if key not in present
        ]
    RuleEntry.objects.bulk_create(new)
    return len(new)


def rule_entries_remove(apps, entries) -> None:
    """Undo ``rule_entries_add`` on the sets still editable; a locked (used) rule set keeps its entries."""
    apps.get_model("scoring", "RuleEntry").objects.filter(
        key__in=[entry[0] for entry in entries], rule_set__locked=False
    ).delete()


def rule_entries_functions(entries):
    """The (forward, backward) pair of ``RunPython`` functions for ``entries``."""

    def add_entries(apps, schema_editor):
        rule_entries_add(apps, entries)

    def remove_entries(apps, schema_editor):
        rule_entries_remove(apps, entries)

    return add_entries, remove_entries


def rule_entries_operation(entries) -> migrations.RunPython:
    """The reversible operation adding ``entries`` (key, rule_id, kind, value, unit, description, source,
    assumed) to every existing rule set."""
    return migrations.RunPython(*rule_entries_functions(entries))


def beat_schedule_add(apps, tasks) -> None:
    """Schedule each task on its crontab (Asia/Shanghai) under its name; a task already scheduled under that name
    is left as staff set it (times are changed in the admin)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour, day_of_month), description in tasks:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day_of_month, month_of_year="*", day_of_week="*",
            timezone=TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "args": "[]", "kwargs": "{}", "enabled": True,
                      "description": description},
        )
    # beat re-reads its schedule when this changes
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def beat_schedule_remove(apps, tasks) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in tasks]).delete()


def beat_schedule_operation(tasks) -> migrations.RunPython:
    """The reversible operation scheduling ``tasks`` (name, task, (minute, hour, day_of_month), description)."""
    return migrations.RunPython(
        lambda apps, schema_editor: beat_schedule_add(apps, tasks),
        lambda apps, schema_editor: beat_schedule_remove(apps, tasks),
    )

