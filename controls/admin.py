from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ApprovalAdminMixin, HistoryAdmin, TabularInline
from core.choices import ApprovalStatus
from core.exports import ExportAdminMixin
from enforcement.choices import RestrictedAction
from partners.models import Partner
from partners.selectors import partner_overview
from scoring.choices import DurationUnit

from .choices import MeasureKind, MeasureScope
from .models import ControlEvent, ControlMeasure, ExtraPenalty
from .rules import duration_text
from .services import (
    EVENT_FIELDS,
    control_event_create,
    control_event_delete,
    control_event_preview,
    control_event_update,
    control_events_recompute_month,
    control_measure_override,
    extra_penalty_create,
    extra_penalty_validate,
)

EDITABLE = {ApprovalStatus.DRAFT, ApprovalStatus.RETURNED}


def _add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def measure_rows(measures) -> list[dict]:
    """Rows for showing proposed or stored measures in the admin (dataclasses or model rows)."""
    kinds, scopes, actions = dict(MeasureKind.choices), dict(MeasureScope.choices), dict(RestrictedAction.choices)
    rows = []
    for m in measures:
        rows.append({
            "rule": m.rule_id, "kind": kinds.get(m.kind, m.kind), "scope": scopes.get(m.scope, m.scope),
            "province": m.province or "全国", "action": actions.get(m.action, "—") if m.action else "—",
            "starts_on": m.starts_on, "ends_on": m.ends_on, "duration": duration_text(m.durations),
            "warning_count": m.warning_count or "", "detail": m.detail, "waived": getattr(m, "waived", False),
        })
    return rows


class ControlEventForm(forms.ModelForm):
    """Validates through the service's preview, so a save never fails half-way and the preview is always shown."""

    class Meta:
        model = ControlEvent
        fields = EVENT_FIELDS

    def _post_clean(self):
        super()._post_clean()
        self.preview = None
        if self.errors:
            return
        try:
            self.preview = control_event_preview(event=self.instance)
        except ValidationError as exc:
            _add_errors(self, exc)


class ControlMeasureInline(TabularInline):
    model = ControlMeasure
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["rule_id", "kind", "scope", "action", "province", "starts_on", "ends_on", "duration", "warning_count",
              "waived", "overridden", "detail"]
    readonly_fields = fields

    @admin.display(description=_("时长"))
    def duration(self, obj):
        return duration_text(obj.durations)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ControlEvent)
class ControlEventAdmin(ExportAdminMixin, ApprovalAdminMixin, HistoryAdmin):
    form = ControlEventForm
    change_form_template = "admin/controls/controlevent/change_form.html"
    list_display = ["partner", "event_type", "cooperation_type", "sub_channel", "province", "occurred_on", "status",
                    "warnings_after", "measures_summary", "rule_id"]
    list_filter = ["status", "event_type", "cooperation_type", "occurred_on"]
    search_fields = ["partner__code", "partner__name", "sub_channel__code", "reference", "province"]
    list_select_related = ["partner", "sub_channel"]
    autocomplete_fields = ["partner", "sub_channel"]
    date_hierarchy = "occurred_on"
    inlines = [ControlMeasureInline]
    actions = ["recompute_measures", *ApprovalAdminMixin.approval_actions]
    fieldsets = [
        (_("事件"), {"fields": EVENT_FIELDS}),
        (_("审批与规则"), {"fields": ["status", "rule_id", "rule_set", "warnings_after", "submitted_by",
                                  "submitted_at", "approved_by", "approved_at", "created_by"]}),
    ]
    readonly_fields = ["status", "rule_id", "rule_set", "warnings_after", "submitted_by", "submitted_at",
                       "approved_by", "approved_at", "created_by"]

    @admin.display(description=_("措施"))
    def measures_summary(self, obj):
        return "；".join(m.detail for m in obj.measures.all() if not m.waived)[:200]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("measures")

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in EDITABLE:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status not in EDITABLE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in EVENT_FIELDS}
        if change:
            saved = control_event_update(event=obj, actor=request.user, **values)
        else:
            saved = control_event_create(actor=request.user, **values)
        obj.pk, obj.id = saved.pk, saved.pk

    def delete_model(self, request, obj):
        control_event_delete(event=obj, actor=request.user, reason="管理后台删除")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            control_event_delete(event=obj, actor=request.user, reason="管理后台批量删除")

    @admin.action(description=_("重新计算措施（同月未审批事件）"))
    def recompute_measures(self, request, queryset):
        months = {(e.partner_id, e.occurred_on.replace(day=1)) for e in queryset}
        total = 0
        for partner_id, month in sorted(months):
            try:
                total += control_events_recompute_month(partner_id=partner_id, month=month)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        self.message_user(request, _("已重新计算 %(n)d 个事件的措施。") % {"n": total})

    # -- two-step entry: "预览措施" shows the proposal for the form as filled in, without saving ---------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self._preview_view(request, object_id, form_url, extra_context)
        extra_context = dict(extra_context or {})
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context["stored_rows"] = measure_rows(obj.measures.all())
                extra_context["overview_url"] = reverse("admin:controls_partner_overview", args=[obj.partner_id])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _preview_view(self, request, object_id, form_url, extra_context):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        add = obj is None
        if (add and not self.has_add_permission(request)) or (not add and not self.has_change_permission(request, obj)):
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        model_form = self.get_form(request, obj, change=not add, fields=flatten_fieldsets(fieldsets))
        form = model_form(request.POST, request.FILES, instance=obj)
        form.is_valid()
        admin_form = helpers.AdminForm(form, list(fieldsets), {}, self.get_readonly_fields(request, obj),
                                       model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": (_("新增 %s") if add else _("修改 %s")) % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview_rows": measure_rows(form.preview.measures) if form.preview else None,
            "preview_warnings_after": form.preview.warnings_after if form.preview else None,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=add, change=not add, obj=obj, form_url=form_url)

    # -- the partner page: everything active against a partner ----------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.partner_overview_view)
        return [path("partner/<int:partner_id>/overview/", view, name="controls_partner_overview"),
                *super().get_urls()]

    def partner_overview_view(self, request, partner_id: int):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        partner = get_object_or_404(Partner, pk=partner_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(partner)s：当前管控、待审批处罚与暂扣结算") % {"partner": partner},
            "opts": self.opts,
            "partner": partner,
            **partner_overview(partner=partner, on=timezone.localdate()),
        }
        return TemplateResponse(request, "admin/controls/partner_overview.html", context)


class ControlMeasureOverrideForm(forms.ModelForm):
    """An explicit requirement of the group / Migu Culture / a province replacing what the rule set proposed."""

    new_duration_value = forms.IntegerField(label=_("调整后时长"), min_value=1, required=False)
    new_duration_unit = forms.ChoiceField(
        label=_("时长单位"), required=False,
        choices=[("", "—")] + [c for c in DurationUnit.choices if c[0] != DurationUnit.WORKING_DAYS],
    )
    new_province = forms.CharField(label=_("调整后省份（空 = 不变；填“全国”= 全国）"), required=False)
    waive = forms.BooleanField(label=_("不执行该措施"), required=False)

    class Meta:
        model = ControlMeasure
        fields = ["override_source", "override_requester", "override_reason"]

    def clean(self):
        cleaned = super().clean()
        value, unit = cleaned.get("new_duration_value"), cleaned.get("new_duration_unit")
        if bool(value) != bool(unit):
            self.add_error("new_duration_unit", _("时长与单位须同时填写"))
        if not cleaned.get("override_source"):
            self.add_error("override_source", _("须选择调整依据来源"))
        return cleaned


@admin.register(ControlMeasure)
class ControlMeasureAdmin(HistoryAdmin):
    form = ControlMeasureOverrideForm
    list_display = ["event", "kind", "rule_id", "scope", "province", "starts_on", "ends_on", "waived", "overridden",
                    "override_source", "restriction"]
    list_filter = ["kind", "rule_id", "overridden", "waived", "override_source"]
    search_fields = ["event__partner__code", "event__partner__name", "detail", "override_requester"]
    list_select_related = ["event__partner", "restriction"]
    readonly_fields = ["event", "kind", "rule_id", "scope", "action", "cooperation_type", "sub_channel", "province",
                       "starts_on", "ends_on", "duration", "warning_count", "waived", "detail", "proposed_text",
                       "overridden", "overridden_by", "overridden_at", "restriction"]
    fieldsets = [
        (_("措施"), {"fields": ["event", "kind", "rule_id", "scope", "action", "cooperation_type", "sub_channel",
                              "province", "starts_on", "ends_on", "duration", "warning_count", "waived", "detail",
                              "proposed_text", "restriction"]}),
        (_("按集团/咪咕文化/省公司要求调整"), {"fields": ["override_source", "override_requester", "override_reason",
                                                "new_duration_value", "new_duration_unit", "new_province", "waive",
                                                "overridden", "overridden_by", "overridden_at"]}),
    ]

    @admin.display(description=_("时长"))
    def duration(self, obj):
        return duration_text(obj.durations)

    @admin.display(description=_("规则计算结果"))
    def proposed_text(self, obj):
        p = obj.proposed or {}
        return f"{p.get('detail', '')}（{p.get('starts_on') or ''} → {p.get('ends_on') or ''}）"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.event.status not in EDITABLE:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        province = data.get("new_province", "").strip()
        durations = None
        if data.get("new_duration_value"):
            durations = [{"value": data["new_duration_value"], "unit": data["new_duration_unit"]}]
        control_measure_override(
            measure=obj, actor=request.user, source=data["override_source"], requester=data["override_requester"],
            reason=data["override_reason"], durations=durations,
            province=("" if province == "全国" else province) if province else None, waive=data.get("waive", False),
        )


class ExtraPenaltyForm(forms.ModelForm):
    class Meta:
        model = ExtraPenalty
        fields = ["partner", "basis", "control_event", "action", "cooperation_type", "sub_channel", "province",
                  "starts_on", "ends_on", "decision_reference", "reason"]

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                extra_penalty_validate(self.instance)
            except ValidationError as exc:
                _add_errors(self, exc)


@admin.register(ExtraPenalty)
class ExtraPenaltyAdmin(ApprovalAdminMixin, HistoryAdmin):
    form = ExtraPenaltyForm
    list_display = ["partner", "basis", "action", "cooperation_type", "province", "starts_on", "ends_on", "status",
                    "restriction"]
    list_filter = ["status", "basis", "action"]
    search_fields = ["partner__code", "partner__name", "reason", "decision_reference"]
    list_select_related = ["partner", "restriction"]
    autocomplete_fields = ["partner", "sub_channel"]
    raw_id_fields = ["control_event"]
    readonly_fields = ["status", "restriction", "submitted_by", "submitted_at", "approved_by", "approved_at",
                       "created_by"]

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return False  # a recorded penalty is not edited; delete the draft and record it again
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status not in EDITABLE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = extra_penalty_create(actor=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        obj.pk, obj.id = saved.pk, saved.pk


def partner_overview_link(partner) -> str:
    """Link used on the partner change page (partners.admin) to the overview above."""
    if not partner or not partner.pk:
        return "—"
    url = reverse("admin:controls_partner_overview", args=[partner.pk])
    return format_html('<a href="{}">{}</a>', url, _("查看当前管控、待审批处罚与暂扣结算"))

