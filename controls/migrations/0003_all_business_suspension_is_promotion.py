"""R-C-WARN-ESC / appendices 1–4: every measure on "the business" suspends promotion (暂停推广), including the
fifth warning's 全业务暂停推广 — promotion of all the partner's business, not its sales cooperation, billing, codes
or settlement. The measure-to-restriction table of every rule set is corrected accordingly (measures already
registered keep the action they were registered with)."""

from django.db import migrations

KEY = "control_measure_actions"
DESCRIPTION = ("管控措施登记为何种限制：子渠道关停→子渠道推广；业务暂停推广→业务推广；"
               "全业务暂停推广→合作方全部业务的推广（不暂停计费、代码、结算或销售合作）")


def actions_to(apps, action, description):
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    for entry in RuleEntry.objects.filter(key=KEY):
        value = dict(entry.value)
        value["rows"] = [
            {**row, "action": action} if row["measure"] == "all_business_suspension" else row
            for row in value["rows"]
        ]
        entry.value = value
        entry.description = description
        entry.save(update_fields=["value", "description"])


def forwards(apps, schema_editor):
    actions_to(apps, "promote", DESCRIPTION)


def backwards(apps, schema_editor):
    actions_to(apps, "sales", "管控措施登记为何种限制：子渠道关停→子渠道推广；业务暂停→业务推广；全部业务暂停→全部销售合作")


class Migration(migrations.Migration):
    dependencies = [("controls", "0002_control_rule_entries")]

    operations = [migrations.RunPython(forwards, backwards)]
