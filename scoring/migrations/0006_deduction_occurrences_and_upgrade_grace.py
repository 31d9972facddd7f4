"""R-M-DED counts occurrences (处理延时或处理品质不达标 1 次扣 1 分: a ticket both late and below standard is two);
R-M-UPGRADE-ONCE gets a configurable grace of N days after month end (default 0). Both added to every rule set
(keys already present are left alone)."""

from django.db import migrations, models

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("deduction_each_failure_counts", "R-M-DED", "flag", {"value": True}, "",
     "同一工单既处理延时又处理品质不达标计 2 次（各扣一次）；为假时计 1 次（解释）", "第二章第二节 扣分项（解释）", True),
    ("upgrade_grace_days", "R-M-UPGRADE-ONCE", "number", {"value": 0}, "天",
     "月末后 N 天内收到的升级投诉计入该月考核（0 = 以月末为截止；每件只计入一次）", "第二章第二节 5（解释）", True),
]
PER_OCCURRENCE = "工单处理延时或处理品质不达标每次扣分（同一工单两项均不达标计 2 次，见 deduction_each_failure_counts）"


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
    RuleEntry.objects.filter(key="deduction_per_late_or_quality_ticket").update(description=PER_OCCURRENCE,
                                                                                 unit="分/次")


def remove_entries(apps, schema_editor):
    apps.get_model("scoring", "RuleEntry").objects.filter(
        key__in=[e[0] for e in ENTRIES], rule_set__locked=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0005_job_schedule")]

    operations = [
        migrations.AlterField(
            model_name="monthlyassessment",
            name="late_or_quality_count",
            field=models.PositiveIntegerField(
                default=0, verbose_name="超时/质量不达标次数",
                help_text="处理延时或处理品质不达标的次数（R-M-DED）；同一工单既延时又不达标默认计 2 次。"),
        ),
        migrations.RunPython(add_entries, remove_entries),
    ]
