"""Admin actions for Approvable models: submit, approve, return (with a reason page). Each calls core.approval."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.approval import approval_bulk


def _report(model_admin, request, done: int, errors: list[str], verb: str) -> None:
    if done:
        model_admin.message_user(request, _("%(n)d 条已%(verb)s。") % {"n": done, "verb": verb}, messages.SUCCESS)
    for error in errors:
        model_admin.message_user(request, error, messages.ERROR)


APPROVAL_ACTIONS = ["approval_submit_action", "approval_approve_action", "approval_return_action"]


class ApprovalActionsMixin:
    """提交审批 / 审批通过 / 退回 actions (list APPROVAL_ACTIONS in ``actions``); role and self-approval checks
    live in core.approval."""

    @admin.action(description=_("提交审批"))
    def approval_submit_action(self, request, queryset):
        done, errors = approval_bulk(objs=queryset, actor=request.user, action="submit")
        _report(self, request, done, errors, "提交")

    @admin.action(description=_("审批通过（发布）"))
    def approval_approve_action(self, request, queryset):
        done, errors = approval_bulk(objs=queryset, actor=request.user, action="approve")
        _report(self, request, done, errors, "审批通过")

    @admin.action(description=_("退回（需填写原因）"))
    def approval_return_action(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if "confirm" in request.POST and reason:
            done, errors = approval_bulk(objs=queryset, actor=request.user, action="return", note=reason)
            _report(self, request, done, errors, "退回")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("退回并说明原因"),
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "missing_reason": "confirm" in request.POST,
        }
        return TemplateResponse(request, "admin/controls/approval_return.html", context)
