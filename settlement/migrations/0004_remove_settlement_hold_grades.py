"""R-S-HOLD: remove ``settlement_hold_grades`` from every rule set.

Settlement is held by the restrictions a credit sanction registers, and which grades suspend settlement is already
the grade table (``credit_grade_sanctions``: ``suspend_settlement`` for E and F). A second list of grades was read
by no code, so editing it changed nothing; no rule-set entry may be dead. No result depended on it.
"""

from django.db import migrations

KEY = "settlement_hold_grades"
ENTRY = {"rule_id": "R-S-HOLD", "kind": "list", "value": {"items": ["E", "F"]}, "unit": "",
         "description": "暂停（暂扣）渠道结算的信用等级", "source": "第四章", "assumed": False}


def remove_entry(apps, schema_editor):
    apps.get_model("scoring", "RuleEntry").objects.filter(key=KEY).delete()


def restore_entry(apps, schema_editor):
    RuleSet = apps.get_model("scoring", "RuleSet")
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    for rule_set in RuleSet.objects.exclude(entries__key=KEY):
        RuleEntry.objects.create(rule_set=rule_set, key=KEY, **ENTRY)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0003_extra_deduction_booked_month"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(remove_entry, restore_entry)]
