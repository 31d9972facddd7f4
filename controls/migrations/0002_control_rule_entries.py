"""Add the control parameters this app reads to every existing rule set (keys already present are kept)."""

from django.db import migrations

from core.migration_helpers import rule_entries_operation

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


class Migration(migrations.Migration):
    dependencies = [("controls", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [rule_entries_operation(ENTRIES)]
