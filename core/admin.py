from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, JobRun


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


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "key", "status", "progress", "started_at", "finished_at", "started_by"]
    list_filter = ["job", "status"]
    search_fields = ["job", "key", "message"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    @admin.display(description=_("进度"))
    def progress(self, obj):
        return f"{obj.done}/{obj.total} ({obj.progress_percent}%)"

    def has_add_permission(self, request):
        return False
