import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ApprovalAdminMixin,
    HistoryAdmin,
    MonthListFilter,
    ReadOnlyAdminMixin,
    ResultAdmin,
    TabularInline,
)
from core.exports import ExportAdminMixin
from enforcement.choices import RestrictedAction
from enforcement.selectors import restriction_reason

from .models import (
    DailyNotification,
    MonthlyAssessment,
    MonthlyWarning,
    PenaltyProposal,
    RuleEntry,
    RuleSet,
    UpgradedComplaintInclusion,
)
from .rule_validation import validate_rule_value
from .rules import fmt_duration
from .services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft


class RuleEntryForm(forms.ModelForm):
    class Meta:
        model = RuleEntry
        fields = ["rule_id", "key", "kind", "value", "unit", "description", "assumed"]
        widgets = {"value": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind") or self.instance.kind, cleaned.get("value")
        if kind and value is not None:
            errors = validate_rule_value(kind, value)
            if errors:
                raise ValidationError({"value": errors})
        return cleaned


class RuleEntryInline(TabularInline):
    model = RuleEntry
    form = RuleEntryForm
    extra = 0
    fields = ["rule_id", "key", "kind", "value", "unit", "description", "assumed"]
    ordering = ["rule_id", "key"]

    def has_add_permission(self, request, obj=None):
        return bool(obj and obj.is_editable)

    def has_change_permission(self, request, obj=None):
        return bool(obj and obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.is_editable)

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_editable:
            return ["rule_id", "key", "kind"]
        return self.fields


@admin.register(RuleSet)
class RuleSetAdmin(HistoryAdmin):
    list_display = ["version", "name", "status", "effective_from", "locked", "assumed_count", "activated_at"]
    list_filter = ["status", "locked"]
    search_fields = ["name", "note", "entries__rule_id", "entries__key"]
    inlines = [RuleEntryInline]
    actions = ["copy_as_draft", "activate"]
    fields = ["version", "name", "status", "effective_from", "based_on", "locked", "note", "activated_at",
              "activated_by"]

    @admin.display(description=_("假定参数数"))
    def assumed_count(self, obj):
        return obj.entries.filter(assumed=True).count()

    def get_readonly_fields(self, request, obj=None):
        always = ["version", "status", "based_on", "locked", "activated_at", "activated_by"]
        if obj is None or obj.is_editable:
            return always
        return always + ["name", "effective_from", "note"]

    def has_add_permission(self, request):
        return False  # new versions are copies of an existing set (action "复制为新版本草稿")

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.is_editable) and super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RuleEntry:
            return super().save_formset(request, form, formset, change)
        entries = formset.save(commit=False)
        for entry in entries:
            if entry.pk:
                value, assumed = entry.value, entry.assumed
                entry.refresh_from_db()
                rule_entry_update(entry=entry, value=value, assumed=assumed, actor=request.user)
            else:
                entry.save()
        for entry in formset.deleted_objects:
            entry.delete()

    @admin.action(description=_("复制为新版本草稿"))
    def copy_as_draft(self, request, queryset):
        for rule_set in queryset:
            draft = rule_set_copy_as_draft(source=rule_set, actor=request.user)
            self.message_user(request, _("已创建草稿 %(d)s") % {"d": draft})

    @admin.action(description=_("启用（按草稿中填写的生效日期）"))
    def activate(self, request, queryset):
        for rule_set in queryset:
            if not rule_set.effective_from:
                self.message_user(request, _("%(s)s 未填写生效日期") % {"s": rule_set}, messages.ERROR)
                continue
            try:
                rule_set_activate(rule_set=rule_set, effective_from=rule_set.effective_from, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{rule_set}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(s)s 已启用") % {"s": rule_set})


@admin.register(RuleEntry)
class RuleEntryAdmin(HistoryAdmin):
    list_display = ["rule_id", "key", "rule_set", "kind", "value_text", "unit", "assumed", "description"]
    list_filter = ["rule_set", "rule_id", "kind", "assumed"]
    search_fields = ["rule_id", "key", "description"]
    list_select_related = ["rule_set"]

    @admin.display(description=_("取值"))
    def value_text(self, obj):
        text = json.dumps(obj.value, ensure_ascii=False)
        return text if len(text) < 120 else text[:117] + "…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(obj and obj.rule_set.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


# --- Computed results -----------------------------------------------------------------------------------------------


class ScoreBandFilter(admin.SimpleListFilter):
    """Display bands for browsing only; no rule depends on them."""

    title = _("分数段")
    parameter_name = "score_band"
    BANDS = {"lt60": (None, 60), "60-80": (60, 80), "80-90": (80, 90), "gte90": (90, None)}

    def lookups(self, request, model_admin):
        return [("lt60", _("60 分以下")), ("60-80", "60–<80"), ("80-90", "80–<90"), ("gte90", _("90 分及以上"))]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value())
        if band is None:
            return queryset
        low, high = band
        if low is not None:
            queryset = queryset.filter(total__gte=low)
        if high is not None:
            queryset = queryset.filter(total__lt=high)
        return queryset


class UpgradedInclusionInline(ReadOnlyAdminMixin, TabularInline):
    model = UpgradedComplaintInclusion
    extra = 0
    fields = ["ticket", "month"]
    readonly_fields = fields
    verbose_name_plural = _("计入本次考核的升级投诉（R-M-UPGRADE-ONCE）")


@admin.register(MonthlyAssessment)
class MonthlyAssessmentAdmin(ExportAdminMixin, ApprovalAdminMixin, ResultAdmin):
    list_display = ["partner", "cooperation_type", "month_text", "total", "revenue_score", "health_score",
                    "bonus_score", "deduction_score", "incubation", "status", "rule_set_version"]
    list_filter = [MonthListFilter, "cooperation_type", "partner__partner_class", ScoreBandFilter, "status",
                   "incubation"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set"]
    inlines = [UpgradedInclusionInline]
    fieldsets = [
        (None, {"fields": ["partner", "cooperation_type", "month", "status", "rule_set"]}),
        (_("得分"), {"fields": ["total", "revenue_score", "health_score", "bonus_score", "deduction_score",
                              "breakdown"]}),
        (_("依据"), {"fields": ["revenue", "incubation", "complaint_count", "health_ratio", "late_or_quality_count",
                              "upgraded_count", "computed_at"]}),
        (_("审批"), {"fields": ["submitted_by", "submitted_at", "approved_by", "approved_at", "audit_trail_table"]}),
    ]
    readonly_fields = ["breakdown", "audit_trail_table"]


@admin.register(PenaltyProposal)
class PenaltyProposalAdmin(ExportAdminMixin, ApprovalAdminMixin, ResultAdmin):
    list_display = ["partner", "cooperation_type", "month_text", "level", "reached_on", "notification_count",
                    "measures_text", "payout_percent", "status", "superseded_by", "suspension_starts_on"]
    list_filter = [MonthListFilter, "level", "status", "cooperation_type",
                   ("superseded_by", admin.EmptyFieldListFilter)]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set", "superseded_by"]
    fieldsets = [
        (None, {"fields": ["partner", "cooperation_type", "month", "level", "reached_on", "notification_count",
                           "status", "rule_set"]}),
        (_("处罚措施"), {"fields": ["measures_text", "payout_percent", "suspension_starts_on", "suspensions_table",
                                "superseded_by", "superseded_at", "breakdown"]}),
        (_("审批"), {"fields": ["submitted_by", "submitted_at", "approved_by", "approved_at", "audit_trail_table"]}),
    ]
    readonly_fields = ["breakdown", "audit_trail_table", "measures_text", "suspensions_table"]

    @admin.display(description=_("建议措施"))
    def measures_text(self, obj):
        return "；".join(
            f"暂停{RestrictedAction(m['action']).label} {fmt_duration(m['duration'])}" for m in obj.measures
        )

    @admin.display(description=_("已登记的暂停措施"))
    def suspensions_table(self, obj):
        restrictions = obj.restrictions.all()
        if not restrictions:
            return "—"
        return format_html_join("", "<div>{}</div>", ((restriction_reason(r),) for r in restrictions))


@admin.register(MonthlyWarning)
class MonthlyWarningAdmin(ExportAdminMixin, ResultAdmin):
    list_display = ["partner", "cooperation_type", "month_text", "notification_count", "level", "reached_text",
                    "rule_set_version"]
    list_filter = [MonthListFilter, "level", "cooperation_type", "partner__partner_class"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set"]
    fields = ["partner", "cooperation_type", "month", "notification_count", "level", "reached_text", "rule_set",
              "breakdown", "computed_at"]
    readonly_fields = ["breakdown", "reached_text"]

    @admin.display(description=_("各级别首次达到日期"))
    def reached_text(self, obj):
        return "，".join(f"{level}级 {day}" for level, day in sorted(obj.level_reached_on.items())) or "—"


@admin.register(DailyNotification)
class DailyNotificationAdmin(ExportAdminMixin, ResultAdmin):
    list_display = ["partner", "cooperation_type", "date", "complaint_count", "notifications", "rule_set_version"]
    list_filter = ["cooperation_type", "notifications", "partner__partner_class"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set"]
    date_hierarchy = "date"
    fields = ["partner", "cooperation_type", "date", "complaint_count", "notifications", "rule_set", "breakdown",
              "computed_at"]
    readonly_fields = ["breakdown"]
