"""Shared admin pieces: the theme's base classes, the read-only mixin, the one approval mixin (with the one way
to ask for a reason), the breakdown and audit tables, and the admin of audit rows and job runs."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline
from unfold.forms import ActionForm as UnfoldActionForm
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .approval import approval_bulk
from .audit import audit_trail
from .choices import ApprovalStatus
from .models import AuditEvent
from .months import parse_month


class ModelAdmin(UnfoldModelAdmin):
    """Base of every admin class of the project (the theme's look, full-width lists)."""

    list_fullwidth = True
    list_filter_submit = True


class HistoryAdmin(SimpleHistoryAdmin, ModelAdmin):
    """For models with ``HistoricalRecords``: the theme plus the change history page."""


class TabularInline(UnfoldTabularInline):
    pass


class StackedInline(UnfoldStackedInline):
    pass


class ReadOnlyAdminMixin:
    """Rows written only by jobs and services: nobody adds, edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonthListFilter(admin.SimpleListFilter):
    """Filter a monthly result list by its ``month`` (YYYY-MM), newest first."""

    title = _("月份")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = model_admin.get_queryset(request).order_by("-month").values_list("month", flat=True).distinct()
        return [(f"{month:%Y-%m}", f"{month:%Y-%m}") for month in months[:36]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(month=parse_month(self.value()))
        except ValueError:
            return queryset.none()


def money_text(value) -> str:
    """元 with thousands separators and 2 decimals (Decimal, never float): 1234567.5 → "1,234,567.50"."""
    if value is None:
        return "—"
    return f"{value:,.2f}"


def money_column(field: str, label, *, css: str = "text-right"):
    """A list column showing a money field as ``money_text`` and still sorting on the field."""

    @admin.display(description=label, ordering=field)
    def column(self, obj):
        return format_html('<span class="{}" style="white-space:nowrap">{}</span>', css,
                           money_text(getattr(obj, field)))

    column.__name__ = f"{field}_money"
    return column


# --- tables shown on detail pages ---------------------------------------------------------------------------------



def breakdown_table(items, *, columns=None) -> str:
    """``[{rule, points, detail}]`` as a table (the stored breakdown of a computed result)."""
    if not items:
        return "—"
    columns = columns or [("rule", _("规则")), ("points", _("分值")), ("detail", _("说明"))]
    head = format_html_join("", "<th>{}</th>", ((label,) for _key, label in columns))
    rows = format_html_join(
        "", "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((entry.get(key, ""),) for key, _label in columns)),)
         for entry in items),
    )
    return format_html('<table class="breakdown readonly-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                       head, rows)


def audit_rows(obj, limit: int = 50) -> list[dict]:
    statuses = dict(ApprovalStatus.choices)
    return [
        {
            "at": timezone.localtime(e.at), "action": e.get_action_display(),
            "from_status": statuses.get(e.from_status, e.from_status),
            "to_status": statuses.get(e.to_status, e.to_status),
            "actor": e.actor or _("系统"), "reason": e.reason, "rule_id": e.rule_id,
        }
        for e in audit_trail(obj)[:limit]
    ]


def audit_table(obj) -> str:
    rows = audit_rows(obj)
    if not rows:
        return "—"
    body = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((f"{r['at']:%Y-%m-%d %H:%M}", r["action"], f"{r['from_status']}→{r['to_status']}", r["actor"],
          r["reason"], r["rule_id"]) for r in rows),
    )
    return format_html(
        '<table class="audit readonly-table"><thead><tr>'
        "<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("时间"), _("动作"), _("状态"), _("操作人"), _("原因/意见"), _("规则"), body,
    )


# --- asking for a text before an action runs -----------------------------------------------------------------------


def ask_text(modeladmin, request, queryset, *, action: str, prompt: str, initial: str = ""):
    """The one intermediate page asking for a text (a return reason, minutes, an assessment note).

    Returns ``(text, None)`` once the user confirmed a non-empty text (or gave one in the action bar's
    "意见/退回原因" field), else ``(None, page)`` to show.
    """
    text = (request.POST.get("text", "") if request.POST.get("confirm") else request.POST.get("note", "")).strip()
    if text:
        return text, None
    context = {
        **modeladmin.admin_site.each_context(request), "title": prompt, "prompt": prompt, "queryset": queryset,
        "action": action, "action_checkbox_name": ACTION_CHECKBOX_NAME, "opts": modeladmin.model._meta,
        "initial": initial, "missing": bool(request.POST.get("confirm")),
    }
    return None, TemplateResponse(request, "admin/core/ask_text.html", context)


class ApprovalActionForm(UnfoldActionForm):
    note = forms.CharField(label=_("意见/退回原因"), required=False, widget=forms.TextInput(attrs={"size": 30}))


class ResultAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Computed results are read-only: they change only through their job and the approval services."""

    @admin.display(description=_("计算明细"))
    def breakdown(self, obj):
        return breakdown_table(obj.items)

    @admin.display(description=_("规则集版本"), ordering="rule_set__version")
    def rule_set_version(self, obj):
        return f"v{obj.rule_set.version}"

    @admin.display(description=_("月份"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    def get_fieldsets(self, request, obj=None):
        """The detail page shows the month as YYYY-MM (``month_text``), not as the date of its first day."""
        return [(name, {**options, "fields": [("month_text" if field == "month" else field)
                                              for field in options["fields"]]})
                for name, options in super().get_fieldsets(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "month_text"] if "month_text" not in readonly else readonly


class ApprovalAdminMixin:
    """The one way the admin changes an approval state: bulk actions on the list and buttons on the detail page,
    both through ``core.approval`` (roles, self-approval and concurrency checked by the services).

    A return always needs a reason: given in the action bar, or asked for on the intermediate page.
    ``approval_handlers`` may name other services for a model whose steps wrap the workflow (codes' R-B-PROCESS).
    """

    action_form = ApprovalActionForm
    approval_actions = ["submit_selected", "approve_selected", "return_selected"]
    actions = approval_actions
    #: prompt for a text before submitting (``None``: submit takes the optional note only)
    submit_prompt = None

    def approval_handler(self, action: str):
        """``None`` = the generic ``core.approval`` service; else ``callable(obj, actor, text)``."""
        return None

    def approval_run(self, *, objs, actor, action: str, text: str = "") -> tuple[int, list[str]]:
        handler = self.approval_handler(action)
        if handler is None:
            return approval_bulk(objs=objs, actor=actor, action=action, note=text)
        done, errors = 0, []
        for obj in objs:
            try:
                handler(obj, actor, text)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                errors.append(f"{obj}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        return done, errors

    def _report(self, request, done: int, errors: list[str]) -> None:
        if done:
            self.message_user(request, _("已处理 %(n)d 条。") % {"n": done}, messages.SUCCESS)
        for error in errors[:20]:
            self.message_user(request, error, messages.ERROR)
        if len(errors) > 20:
            self.message_user(request, _("另有 %(n)d 条未处理。") % {"n": len(errors) - 20}, messages.ERROR)

    @admin.action(description=_("提交审批"))
    def submit_selected(self, request, queryset):
        text = request.POST.get("note", "")
        if self.submit_prompt:
            text, page = ask_text(self, request, queryset, action="submit_selected", prompt=self.submit_prompt)
            if page:
                return page
        self._report(request, *self.approval_run(objs=list(queryset), actor=request.user, action="submit",
                                                 text=text))

    @admin.action(description=_("审批通过（发布）"))
    def approve_selected(self, request, queryset):
        self._report(request, *self.approval_run(objs=list(queryset), actor=request.user, action="approve",
                                                 text=request.POST.get("note", "")))

    @admin.action(description=_("退回（须填写原因）"))
    def return_selected(self, request, queryset):
        reason, page = ask_text(self, request, queryset, action="return_selected", prompt=_("退回原因"))
        if page:
            return page
        self._report(request, *self.approval_run(objs=list(queryset), actor=request.user, action="return",
                                                 text=reason))

    @admin.display(description=_("审批记录"))
    def audit_trail_table(self, obj):
        return audit_table(obj)

    # -- the detail page: state history and the buttons (or why they are missing) ------------------------------

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.approval_view)
        return [path("<path:object_id>/approval/<str:action>/", view,
                     name=f"{opts.app_label}_{opts.model_name}_approval"), *super().get_urls()]

    def approval_view(self, request, object_id, action: str):
        if request.method != "POST" or action not in {"submit", "approve", "return"}:
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        text = request.POST.get("text", "").strip()
        if action == "return" and not text:
            self.message_user(request, _("退回必须填写原因。"), messages.ERROR)
        elif action == "submit" and self.submit_prompt and not text:
            self.message_user(request, _("请填写：%(p)s") % {"p": self.submit_prompt}, messages.ERROR)
        else:
            self._report(request, *self.approval_run(objs=[obj], actor=request.user, action=action, text=text))
        opts = self.model._meta
        return redirect(request.POST.get("next") or reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                                            args=[obj.pk]))

    def approval_panel(self, request, obj) -> dict:
        from .approval_ui import approval_buttons

        return {"buttons": approval_buttons(user=request.user, obj=obj, submit_prompt=self.submit_prompt),
                "history": audit_rows(obj)}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            opts = self.model._meta
            context["approval_panel"] = self.approval_panel(request, obj)
            context["approval_url_name"] = f"admin:{opts.app_label}_{opts.model_name}_approval"
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


# --- the admin of this app ----------------------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["at", "action_text", "object_repr", "content_type", "status_change", "actor", "rule_id"]
    list_filter = ["action", "content_type", "rule_id"]
    search_fields = ["object_repr", "reason", "actor__username"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "at"
    fields = ["at", "action_text", "content_type", "object_id", "object_repr", "status_change", "actor", "reason",
              "rule_id", "data_table"]
    readonly_fields = fields

    @admin.display(description=_("动作"), ordering="action")
    def action_text(self, obj):
        return obj.get_action_display()

    @admin.display(description=_("状态"))
    def status_change(self, obj):
        if not obj.from_status and not obj.to_status:
            return "—"
        statuses = dict(ApprovalStatus.choices)
        return f"{statuses.get(obj.from_status, obj.from_status or '—')}→{statuses.get(obj.to_status, obj.to_status)}"

    @admin.display(description=_("附加数据"))
    def data_table(self, obj):
        if not obj.data:
            return "—"
        return format_html('<table class="audit-data"><tbody>{}</tbody></table>', format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", ((key, value) for key, value in obj.data.items())))


# the theme's forms for the user and group pages
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


from . import admin_jobs  # noqa: E402,F401  job runs: start page, live progress


def overrides_table(overrides, *, describe) -> str:
    """The overrides of one decision (newest first): value, reason, who, when, approval state, whether the
    automatic value moved since (``describe(kind, value)`` renders a value)."""
    if not overrides:
        return "—"
    rows = [
        (describe(o.kind, o.automatic_value), describe(o.kind, o.value), o.reason, o.created_by.username,
         timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"), o.get_status_display(),
         _("生效中") if o.in_force else (_("已被取代") if o.superseded_at else "—"),
         describe(o.kind, o.automatic_current) if o.automatic_moved else "—")
        for o in overrides
    ]
    head = format_html_join("", "<th>{}</th>", ((label,) for label in (
        _("自动结果"), _("调整后"), _("原因"), _("调整人"), _("时间"), _("审批状态"), _("生效"),
        _("自动结果已变为"))))
    body = format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>", rows)
    return format_html('<table class="breakdown readonly-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                       head, body)
