"""Add the scoring parameters introduced with the warning penalties to every existing rule set."""

from django.db import migrations

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("warning_suspension_start", "R-D-WARN", "text", {"value": "approval_date"}, "",
     "预警处罚暂停期起算日：approval_date＝分管领导审批当日；level_reached_on＝当月累计通报达到该级别当日",
     "第二章第三节 预警（原文未规定，系统解释）", True),
]


def add_entries(apps, schema_editor):
    RuleSet = apps.get_model("scoring", "RuleSet")
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    for rule_set in RuleSet.objects.all():
        present = set(RuleEntry.objects.filter(rule_set=rule_set).values_list("key", flat=True))
        RuleEntry.objects.bulk_create(
            RuleEntry(rule_set=rule_set, key=key, rule_id=rule_id, kind=kind, value=value, unit=unit,
                      description=description, source=source, assumed=assumed)
            for key, rule_id, kind, value, unit, description, source, assumed in ENTRIES
            if key not in present
        )


def remove_entries(apps, schema_editor):
    apps.get_model("scoring", "RuleEntry").objects.filter(key__in=[entry[0] for entry in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_results")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
