"""Add the credit app's own parameters to every existing rule set (keys already present are left alone)."""

from django.db import migrations

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("credit_item_scale", "R-K-COMPOSE", "number", {"value": 100}, "分",
     "每个信用项目自身满分（项目得分 0–此值，按 credit_score_max 折算）", "附件6", False),
    ("credit_manual_item_default_points", "R-K-COMPOSE", "number", {"value": 100}, "分",
     "基础标准项等人工录入项目当月未录入时按此分计算（母公司规则未提供，假定）", "第三章（母公司规则，假定）", True),
    ("credit_core_weights_for_joint_membership", "R-K-COMPOSE", "flag", {"value": False}, "",
     "为真时，有联合会员合作的普通合作方也按核心/联合会员权重计算；默认仅核心级别合作方适用", "附件6（解释，假定）",
     True),
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
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    RuleEntry.objects.filter(key__in=[e[0] for e in ENTRIES], rule_set__locked=False).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
