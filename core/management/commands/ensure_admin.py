from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from core.choices import ApproverRole


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser with every approver role; prints the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin-migu-ops")

    def handle(self, *args, username, password, **options):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=ApproverRole.values))
        verb = "created" if created else "updated"
        self.stdout.write(self.style.SUCCESS(f"admin login {verb}: {username} / {password}"))
