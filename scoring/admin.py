from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from codes.choices import ApplicationType, CodeCategory, ReviewStep
from controls.choices import MeasureKind, MeasureScope
from core.admin import (
    ApprovalAdminMixin,
    HistoryAdmin,
    MonthListFilter,
    ReadOnlyAdminMixin,
    ResultAdmin,
    TabularInline,
    breakdown_table,
    money_text,
    overrides_table,
)
from core.exports import ExportAdminMixin
from core.rulebook import fmt_number, to_decimal
from credit.choices import SanctionCode
from enforcement.choices import RestrictedAction
from enforcement.selectors import restriction_reason
from overrides.registry import describe
from partners.choices import CooperationType, PartnerClass

from .choices import DurationUnit, PathItem, PathStatus, RuleKind
from .exports import AssessmentExporter, PenaltyProposalExporter
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
from .selectors import assessment_path, assessments_attach_overrides, proposals_attach_overrides, warning_path
from .services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft

# --- the rule-set page as a readable form ----------------------------------------------------------------------------

#: rule-id prefixes in the order RULES.md presents them
RULE_GROUPS = [("R-M", _("月度考核")), ("R-D", _("日常")), ("R-C", _("管控")), ("R-K", _("信用")), ("R-S", _("结算")),
               ("R-B", _("代码")), ("R-X", _("处罚")), ("R-N", _("手机报"))]

#: codes that appear inside rule values (measures, scopes, actions, sanctions, code categories…) → their labels
CODE_LABELS = {
    str(value): str(label)
    for choices in (RestrictedAction, MeasureKind, MeasureScope, SanctionCode, CodeCategory, ReviewStep,
                    ApplicationType, CooperationType, PartnerClass, DurationUnit)
    for value, label in choices.choices
} | {"yes": str(_("是")), "no": str(_("否"))}


#: column names of table-valued rules
COLUMN_LABELS = {
    "cooperation_type": _("合作类型"), "partner_class": _("合作方类别"), "monthly": _("包月"), "per_use": _("按次"),
    "measure": _("措施"), "scope": _("范围"), "duration": _("期限"), "count": _("次数"), "warnings": _("警告次数"),
    "action": _("限制"), "level": _("级别"), "min_notifications": _("通报次数≥"),
    "promotion_suspension": _("暂停推广"), "code_application_suspension": _("暂停新代码申请"),
    "payout_percent": _("结算比例 %"), "item": _("项目"), "name": _("名称"), "rule": _("规则"),
    "weight_ordinary": _("普通权重"), "weight_core": _("核心/联合会员权重"), "assumed": _("假定"),
    "grade": _("等级"), "sanctions": _("处罚措施"), "category": _("类别"), "points": _("分值"),
    "application_type": _("申请类型"), "steps": _("审核环节"),
}


def code_label(value) -> str:
    """A coded value inside a rule's JSON as its Chinese label (unknown codes and numbers as they are)."""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return CODE_LABELS.get(str(value), str(value))


def _cell(value):
    if isinstance(value, dict) and "unit" in value and "value" in value:
        return fmt_duration(value)
    if isinstance(value, dict):
        return value.get("name") or ", ".join(f"{code_label(k)} {code_label(v)}" for k, v in value.items())
    if isinstance(value, list):
        return _chips(value)
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_number(value, 2).removesuffix(".00")
    return code_label(value)


def _chips(items):
    if not items:
        return "—"
    return format_html_join(
        "", '<span class="rule-chip" style="display:inline-block;padding:0 .4rem;margin:0 .2rem .2rem 0;'
            'border-radius:.5rem;background:rgba(127,127,127,.15)">{}</span>',
        ((_cell(item),) for item in items))


def _small_table(head, rows):
    return format_html(
        '<div style="overflow-x:auto;max-width:44rem"><table class="rule-table" style="font-size:.85em">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
        format_html_join("", '<th style="padding:0 .4rem;white-space:nowrap">{}</th>', ((h,) for h in head)),
        format_html_join("", "<tr>{}</tr>", ((
            format_html_join("", '<td style="padding:0 .4rem;vertical-align:top">{}</td>', ((c,) for c in row)),)
            for row in rows)))


def rule_value_html(entry) -> str:
    """One entry's value shown by its kind: a number with its unit, brackets and tables as small tables,
    durations as "1 周", lists as chips, weights as a list."""
    value, unit = entry.value or {}, entry.unit
    kind = entry.kind
    if kind in {RuleKind.NUMBER, RuleKind.PERCENT}:
        return f"{_cell(value.get('value'))} {unit or ('%' if kind == RuleKind.PERCENT else '')}".strip()
    if kind == RuleKind.MONEY:
        return f"{money_text(to_decimal(value.get('value')))} {unit or '元'}"
    if kind == RuleKind.DURATION:
        return fmt_duration(value)
    if kind == RuleKind.FLAG:
        return code_label(bool(value.get("value")))
    if kind == RuleKind.LIST:
        return _chips(value.get("items", []))
    if kind == RuleKind.WEIGHTS:
        return "：".join(_cell(w) for w in value.get("weights", []))
    if kind == RuleKind.BRACKETS:
        thresholds, points = value.get("thresholds", []), value.get("points", [])
        right = value.get("closed", "left") == "right"
        bounds = [None, *thresholds, None]
        rows = []
        for i, result in enumerate(points):
            low, high = bounds[i], bounds[i + 1]
            low_text = "" if low is None else f"{'>' if right else '≥'} {_cell(low)}"
            high_text = "" if high is None else f"{'≤' if right else '<'} {_cell(high)}"
            rows.append(("，".join(t for t in (low_text, high_text) if t), _cell(result)))
        # one column per bracket: an interval above its result
        return _small_table([format_html("{}{}", _("区间"), f"（{unit}）" if unit else ""),
                             *(interval for interval, _result in rows)],
                            [[_("结果"), *(result for _interval, result in rows)]])
    if kind == RuleKind.TABLE:
        columns = list((value.get("columns") or {}).keys())
        return _small_table([COLUMN_LABELS.get(c, c) for c in columns],
                            [[_cell(row.get(c)) for c in columns] for row in value.get("rows", [])])
    return _cell(value.get("value", value))


def rule_entries_html(rule_set, *, edit_links: bool = False) -> str:
    """Every entry of a set, grouped by rule-id prefix: label, value, rule id, source clause, "假定" badge."""
    entries = sorted(rule_set.entries.all(), key=lambda e: (e.rule_id, e.key))
    known = [prefix for prefix, _label in RULE_GROUPS]
    groups = [(prefix, label, [e for e in entries if e.rule_id.startswith(prefix + "-")]) for prefix, label
              in RULE_GROUPS]
    others = [e for e in entries if not any(e.rule_id.startswith(p + "-") for p in known)]
    if others:
        groups.append(("", _("其他"), others))
    badge = format_html('<span class="rule-assumed" style="padding:0 .4rem;border-radius:.5rem;'
                        'background:#fde68a;color:#92400e;white-space:nowrap">{}</span>', _("假定"))
    sections = []
    for prefix, label, group in groups:
        if not group:
            continue
        rows = format_html_join("", "<tr>{}</tr>", ((format_html(
            '<td style="width:30%;padding:.4rem .5rem;vertical-align:top">{}'
            '<div style="opacity:.6;font-size:.8em">{}</div></td>'
            '<td style="padding:.4rem .5rem;vertical-align:top">{}</td>'
            '<td style="white-space:nowrap;padding:.4rem .5rem;vertical-align:top">{}</td>'
            '<td style="white-space:nowrap;padding:.4rem .5rem;vertical-align:top">{}</td>'
            '<td style="white-space:nowrap;padding:.4rem .5rem;vertical-align:top">{} {}</td>',
            entry.description or entry.key, entry.key, rule_value_html(entry), entry.rule_id, entry.source or "—",
            badge if entry.assumed else "",
            format_html('<a href="{}">{}</a>', reverse("admin:scoring_ruleentry_change", args=[entry.pk]), _("编辑"))
            if edit_links else ""),) for entry in group))
        sections.append(format_html(
            '<h3 style="margin:1rem 0 .5rem;font-weight:600">{} {}（{}）</h3>'
            '<table class="rule-entries" style="width:100%;text-align:left"><thead><tr><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
            prefix, label, len(group), _("参数"), _("取值"), _("规则编号"), _("来源条款"), rows))
    return format_html_join("", "{}", ((s,) for s in sections)) or "—"


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
    collapsible = True
    verbose_name_plural = _("逐项修改草稿参数（JSON）")

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
    # the entries, readable, at full width below the form (a read-only field's cell is too narrow for tables)
    change_form_after_template = "admin/scoring/ruleset/entries_overview.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(assumed_entries=Count("entries", filter=Q(entries__assumed=True)))

    @admin.display(description=_("假定参数数"), ordering="assumed_entries")
    def assumed_count(self, obj):
        return obj.assumed_entries

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["rule_entries_overview"] = rule_entries_html(obj, edit_links=obj.is_editable)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_inlines(self, request, obj):
        # an active or locked set is read in the overview; only a draft has the form to edit its entries
        return self.inlines if obj is not None and obj.is_editable else []

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
    list_display = ["rule_id", "label", "rule_set", "kind", "value_text", "assumed"]
    list_filter = ["rule_set", "rule_id", "kind", "assumed"]
    search_fields = ["rule_id", "key", "description"]
    list_select_related = ["rule_set"]
    form = RuleEntryForm
    fields = ["rule_set", "rule_id", "key", "kind", "description", "unit", "source", "value_text", "value",
              "assumed"]

    def get_readonly_fields(self, request, obj=None):
        return ["rule_set", "rule_id", "key", "kind", "description", "unit", "source", "value_text"]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.rule_set.is_editable:
            return self.fields
        return [f for f in self.fields if f not in {"value", "assumed"}] + ["assumed"]

    @admin.display(description=_("参数"), ordering="description")
    def label(self, obj):
        return obj.description or obj.key

    @admin.display(description=_("取值"))
    def value_text(self, obj):
        return rule_value_html(obj)

    def save_model(self, request, obj, form, change):
        # through the service: validation, the editable check and the audit row
        value, assumed = obj.value, obj.assumed
        obj.refresh_from_db()
        rule_entry_update(entry=obj, value=value, assumed=assumed, actor=request.user)

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
    exporter_class = AssessmentExporter
    list_display = ["partner", "cooperation_type", "month_text", "total", "effective_total", "revenue_score",
                    "health_score", "bonus_score", "deduction_score", "incubation", "status", "rule_set_version"]
    list_filter = [MonthListFilter, "cooperation_type", "partner__partner_class", ScoreBandFilter, "status",
                   "incubation"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set"]
    inlines = [UpgradedInclusionInline]
    fieldsets = [
        (None, {"fields": ["partner", "cooperation_type", "month", "status", "rule_set"]}),
        (_("得分"), {"fields": ["total", "revenue_score", "health_score", "bonus_score", "deduction_score",
                              "breakdown"]}),
        (_("人工调整"), {"fields": ["effective_total", "overrides"]}),
        (_("依据"), {"fields": ["revenue", "incubation", "complaint_count", "health_ratio", "late_or_quality_count",
                              "upgraded_count", "computed_at"]}),
        (_("距下一档"), {"fields": ["next_bracket_table"]}),
        (_("审批"), {"fields": ["submitted_by", "submitted_at", "approved_by", "approved_at", "audit_trail_table"]}),
    ]
    readonly_fields = ["breakdown", "audit_trail_table", "next_bracket_table", "effective_total", "overrides"]

    @admin.display(description=_("距下一档（合作方视图，同 API path/）"))
    def next_bracket_table(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        path = assessment_path(assessment=obj)
        rows = [{**entry, "item": PathItem(entry["item"]).label, "status": PathStatus(entry["status"]).label,
                 "next_points": "—" if entry["next_points"] is None else entry["next_points"],
                 "version": f"v{entry['rule_set_version']}"} for entry in path["items"]]
        rows.append({"item": _("总分"), "rule": path["band_rule"], "points": path["total"],
                     "next_points": path["total_if_all_lifted"], "detail": path["band_detail"],
                     "version": f"v{path['rule_set_version']}"})
        return breakdown_table(rows, columns=[
            ("item", _("项目")), ("rule", _("规则")), ("version", _("规则集版本")), ("status", _("状态")),
            ("points", _("当前得分")), ("next_points", _("升一档后")), ("total_gain", _("总分增加")),
            ("detail", _("说明")),
        ])

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        assessments_attach_overrides(changelist.result_list)  # one query for the page's overrides
        return changelist

    def _attached(self, obj):
        if not hasattr(obj, "effective_total"):
            assessments_attach_overrides([obj])
        return obj

    @admin.display(description=_("有效总分"))
    def effective_total(self, obj):
        obj = self._attached(obj)
        if obj.overrides_in_force:
            return format_html("{} <span title=\"{}\">✎</span>", obj.effective_total, _("已人工调整"))
        return obj.effective_total

    @admin.display(description=_("人工调整（含历史）"))
    def overrides(self, obj):
        return overrides_table(self._attached(obj).decision_overrides, describe=describe)


@admin.register(PenaltyProposal)
class PenaltyProposalAdmin(ExportAdminMixin, ApprovalAdminMixin, ResultAdmin):
    exporter_class = PenaltyProposalExporter
    # fits 1440 px: reached on, superseded by and the suspension start are on the detail page
    list_display = ["partner", "cooperation_type", "month_text", "level", "notification_count", "measures_text",
                    "effective_measures_text", "payout_percent", "status"]
    list_filter = [MonthListFilter, "level", "status", "cooperation_type",
                   ("superseded_by", admin.EmptyFieldListFilter)]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set", "superseded_by"]
    fieldsets = [
        (None, {"fields": ["partner", "cooperation_type", "month", "level", "reached_on", "notification_count",
                           "status", "rule_set"]}),
        (_("处罚措施"), {"fields": ["measures_text", "payout_percent", "suspension_starts_on", "suspensions_table",
                                "superseded_by", "superseded_at", "breakdown"]}),
        (_("人工调整"), {"fields": ["effective_measures_text", "overrides"]}),
        (_("审批"), {"fields": ["submitted_by", "submitted_at", "approved_by", "approved_at", "audit_trail_table"]}),
    ]
    readonly_fields = ["breakdown", "audit_trail_table", "measures_text", "suspensions_table",
                       "effective_measures_text", "overrides"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        proposals_attach_overrides(changelist.result_list)
        return changelist

    def _attached(self, obj):
        if not hasattr(obj, "effective_measures"):
            proposals_attach_overrides([obj])
        return obj

    @admin.display(description=_("有效措施（含人工调整）"))
    def effective_measures_text(self, obj):
        obj = self._attached(obj)
        if obj.override_in_force is None:
            return "—"
        return "；".join(
            f"暂停{RestrictedAction(m['action']).label} {fmt_duration(m['duration'])}" for m in obj.effective_measures
        ) or _("不执行")

    @admin.display(description=_("人工调整（含历史）"))
    def overrides(self, obj):
        return overrides_table(self._attached(obj).decision_overrides, describe=describe)

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
              "breakdown", "computed_at", "next_level_table"]
    readonly_fields = ["breakdown", "reached_text", "next_level_table"]

    @admin.display(description=_("距下一档（合作方视图，同 API path/）"))
    def next_level_table(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        path = warning_path(warning=obj, today=timezone.localdate())
        rows = [{"rule": path["rule"], "version": f"v{path['rule_set_version']}", "detail": path["detail"]}]
        if path["today"]:
            rows.append({"rule": path["today"]["rule"], "version": f"v{path['today']['rule_set_version']}",
                         "detail": path["today"]["detail"]})
        return breakdown_table(rows, columns=[("rule", _("规则")), ("version", _("规则集版本")),
                                              ("detail", _("说明"))])

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
