from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.roles import ROLE_NAMES


class Command(BaseCommand):
    help = "Give a staff login a role (ops | department_head | division_leader); a user may hold several."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLE_NAMES))
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args, username, role, revoke, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None
        if getattr(user, "partner_membership", None) is not None:
            raise CommandError(f"“{username}”是合作方账号，不能授予内部角色。")
        group = Group.objects.get(name=ROLE_NAMES[role])
        if revoke:
            user.groups.remove(group)
            self.stdout.write(self.style.SUCCESS(f"{username}: 已撤销角色“{group.name}”"))
            return
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)
        roles = "、".join(user.groups.order_by("name").values_list("name", flat=True))
        self.stdout.write(self.style.SUCCESS(f"{username}: 已授予“{group.name}”（现有角色：{roles}）"))
