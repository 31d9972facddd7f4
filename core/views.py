"""Staff pages outside any one model's admin: the approval inbox (待我审批)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def approval_inbox(request):
    context = {**admin.site.each_context(request), "title": _("待我审批"), "groups": []}
    return TemplateResponse(request, "admin/core/inbox.html", context)
