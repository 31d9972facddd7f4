from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "object_repr", "content_type", "from_status", "to_status", "actor", "rule_id"]
    list_filter = ["action", "content_type", "rule_id"]
    search_fields = ["object_repr", "reason", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import admin_jobs  # noqa: E402,F401  job runs: start page, live progress
