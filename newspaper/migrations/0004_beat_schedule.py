"""Schedule the daily document-expiry check in django-celery-beat (a task already scheduled under its name keeps
what staff changed in the admin)."""

from django.db import migrations

from core.migration_helpers import beat_schedule_operation

TASKS = [
    ("手机报资质证照：到期预警", "newspaper.documents_expiry_check", ("15", "6", "*"),
     "每日标记 30/60/90 天内到期的合作伙伴资质证照（档位见规则集 newspaper_document_expiry_warning_days，R-N-QUAL）。"),
]


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0003_catalogue_page"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [beat_schedule_operation(TASKS)]
