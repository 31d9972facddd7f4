"""Schedule the credit jobs in django-celery-beat (idempotent: looked up by name)."""

from django.db import migrations

from core.migration_helpers import beat_schedule_operation

TASKS = [
    # name, task, crontab (minute, hour, day_of_month), description
    ("信用积分：月度计算（上月）", "credit.run_credit_scoring", ("30", "3", "5"),
     "每月5日计算上月信用积分草稿（R-K-COMPOSE / R-K-WEIGHTED），已提交或已审批的结果不被覆盖。"),
    ("信用处罚：到期执行与合作终止", "credit.apply_due_sanctions", ("0", "8", "*"),
     "每日执行到期的信用处罚（R-K-DEADLINE），并结束已终止合作的相关处罚（R-K-AFTER-END）。"),
]


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_credit_rule_entries"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [beat_schedule_operation(TASKS)]
