"""Staff pages outside any one model's admin: the approval inbox (待我审批)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .selectors import approval_inbox as inbox_groups


def approval_inbox(request):
    groups = inbox_groups(user=request.user)
    context = {**admin.site.each_context(request), "title": _("待我审批"), "groups": groups,
               "total": sum(group.count for group in groups)}
    return TemplateResponse(request, "admin/core/inbox.html", context)
