"""Schedule the credit jobs in django-celery-beat (idempotent: looked up by name)."""

from django.db import migrations

TASKS = [
    # name, task, crontab (minute, hour, day_of_month), description
    ("信用积分：月度计算（上月）", "credit.run_credit_scoring", ("30", "3", "5"),
     "每月5日计算上月信用积分草稿（R-K-COMPOSE / R-K-WEIGHTED），已提交或已审批的结果不被覆盖。"),
    ("信用处罚：到期执行与合作终止", "credit.apply_due_sanctions", ("0", "8", "*"),
     "每日执行到期的信用处罚（R-K-DEADLINE），并结束已终止合作的相关处罚（R-K-AFTER-END）。"),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_month), description in TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day_of_month, month_of_year="*", day_of_week="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True},
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_credit_rule_entries"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, unschedule)]
