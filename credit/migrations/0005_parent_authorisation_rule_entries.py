"""R-K-STRATEGIC: the parent-authorisation rules of company importance as rule-set data, added to every rule set
(keys already present are left alone)."""

from django.db import migrations

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("credit_parent_max_authorised_subsidiaries", "R-K-STRATEGIC", "number", {"value": 1}, "家",
     "符合公司重要性条件的母公司可独家授权的控股子公司数（第二家授权拒绝）", "附件6 公司重要性", False),
    ("credit_parent_own_cooperation_types", "R-K-STRATEGIC", "list",
     {"items": ["sales_channel", "joint_membership"]}, "",
     "母公司自身开展这些类型的合作（合同在有效期内）时不能授权子公司（联合会员权益型不在本系统合作类型内）",
     "附件6 公司重要性", False),
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
    dependencies = [("credit", "0004_importance_parent_is_a_partner"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
