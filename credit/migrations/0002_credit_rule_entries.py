"""Add the credit app's own parameters to every existing rule set (keys already present are left alone)."""

from django.db import migrations

from core.migration_helpers import rule_entries_operation

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


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [rule_entries_operation(ENTRIES)]
