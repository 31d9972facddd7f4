from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.services import partner_user_create


class Command(BaseCommand):
    help = "Create (or re-bind) a login bound to one partner, without staff rights."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("partner_code")
        parser.add_argument("--password", help="set a password (otherwise token-only)")

    def handle(self, *args, username, partner_code, password=None, **options):
        try:
            user = partner_user_create(username=username, partner_code=partner_code, password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"user '{user.username}' bound to partner {partner_code}"))
