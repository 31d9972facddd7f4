"""Add the control parameters this app reads to every existing rule set (keys already present are kept)."""

from django.db import migrations

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("control_measure_actions", "R-D-DUAL", "table", {
        "columns": {"measure": "text", "action": "text"},
        "rows": [
            {"measure": "subchannel_shutdown", "action": "subchannel_promote"},
            {"measure": "business_suspension", "action": "promote"},
            {"measure": "all_business_suspension", "action": "sales"},
        ]},
     "", "管控措施登记为何种限制：子渠道关停→子渠道推广；业务暂停→业务推广；全部业务暂停→全部销售合作",
     "第二章第三节 双管控；附件1-4", True),
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
    apps.get_model("scoring", "RuleEntry").objects.filter(
        key__in=[e[0] for e in ENTRIES], rule_set__locked=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("controls", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
