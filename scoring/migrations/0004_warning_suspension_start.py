"""Add the scoring parameters introduced with the warning penalties to every existing rule set."""

from django.db import migrations

from core.migration_helpers import rule_entries_operation

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("warning_suspension_start", "R-D-WARN", "text", {"value": "approval_date"}, "",
     "预警处罚暂停期起算日：approval_date＝分管领导审批当日；level_reached_on＝当月累计通报达到该级别当日",
     "第二章第三节 预警（原文未规定，系统解释）", True),
]


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_results")]

    operations = [rule_entries_operation(ENTRIES)]
