from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from core.exports import ExportAdminMixin

from .models import Restriction
from .selectors import in_force_q


class InForceFilter(admin.SimpleListFilter):
    title = _("是否生效")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("今日生效")), ("no", _("未生效/已结束"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(in_force_q(today))
        if self.value() == "no":
            return queryset.exclude(in_force_q(today))
        return queryset


@admin.register(Restriction)
class RestrictionAdmin(ExportAdminMixin, HistoryAdmin):
    list_display = ["partner", "action", "cooperation_type", "sub_channel", "province", "starts_on", "ends_on",
                    "lifted_on", "rule_id"]
    list_filter = [InForceFilter, "action", "rule_id", "cooperation_type"]
    search_fields = ["partner__code", "partner__name", "sub_channel__code", "reason"]
    list_select_related = ["partner", "sub_channel"]
    date_hierarchy = "starts_on"
    readonly_fields = ["source_type", "source_id", "source_key", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False  # restrictions come from approved penalties, measures and sanctions
