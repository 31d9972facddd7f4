"""Schedule the daily document-expiry check in django-celery-beat (idempotent: looked up by name)."""

from django.db import migrations

TASKS = [
    ("手机报资质证照：到期预警", "newspaper.documents_expiry_check", ("15", "6", "*"),
     "每日标记 30/60/90 天内到期的合作伙伴资质证照（档位见规则集 newspaper_document_expiry_warning_days，R-N-QUAL）。"),
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
    dependencies = [("newspaper", "0003_catalogue_page"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, unschedule)]
