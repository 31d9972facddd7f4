"""Admin of overrides: a clear form to file one (new value, reason required, Chinese messages on the fields), the
list with the automatic value then and now, and the detail page with its approval buttons, audit rows and history."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ApprovalAdminMixin, HistoryAdmin, MonthListFilter, audit_table
from core.exports import ExportAdminMixin
from core.months import parse_month
from enforcement.choices import RestrictedAction
from partners.choices import CooperationType
from scoring.choices import DurationUnit

from .choices import OverrideKind
from .exports import DecisionOverrideExporter
from .models import DecisionOverride
from .registry import describe
from .services import decision_override_create

UNITS = [("", "—"), *[(v, label) for v, label in DurationUnit.choices if v != DurationUnit.WORKING_DAYS]]


class DecisionOverrideForm(forms.ModelForm):
    """What staff fill in: the decision (kind, partner, type, month, item), the new value and the reason."""

    month_text = forms.CharField(label=_("月份"), help_text=_("YYYY-MM，如 2026-10"))
    new_points = forms.DecimalField(
        label=_("新得分"), required=False, max_digits=7, decimal_places=2,
        help_text=_("考核项目：revenue_score 收入规模、health_score 健康度、bonus_score 综合贡献、deduction_score 扣分"
                    "（扣分填正数）。"),
    )
    promote_value = forms.IntegerField(label=_("暂停推广时长"), required=False, min_value=0,
                                       help_text=_("预警处罚：空 = 按自动结果；0 = 不执行此项。"))
    promote_unit = forms.ChoiceField(label=_("暂停推广时长单位"), choices=UNITS, required=False)
    apply_codes_value = forms.IntegerField(label=_("暂停新代码申请时长"), required=False, min_value=0,
                                           help_text=_("预警处罚：空 = 按自动结果；0 = 不执行此项。"))
    apply_codes_unit = forms.ChoiceField(label=_("暂停新代码申请时长单位"), choices=UNITS, required=False)
    waive = forms.BooleanField(label=_("不执行此处罚"), required=False, help_text=_("信用等级处罚：勾选 = 不执行。"))

    class Meta:
        model = DecisionOverride
        fields = ["kind", "partner", "cooperation_type", "item", "reason"]
        help_texts = {"item": _("考核项目键、预警级别（1–4）或信用处罚措施编码（如 no_new_codes）。")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reason"].required = False  # the service names the missing reason in Chinese
        self.fields["cooperation_type"].choices = [("", _("（不分合作类型）")), *CooperationType.choices]

    def _value(self, kind: str):
        data = self.cleaned_data
        if kind == OverrideKind.ASSESSMENT_ITEM:
            if data.get("new_points") is None:
                raise ValidationError({"new_points": _("须填写新得分")})
            return str(data["new_points"])
        if kind == OverrideKind.PENALTY_PROPOSAL:
            measures = {}
            for action in (RestrictedAction.PROMOTE, RestrictedAction.APPLY_CODES):
                value, unit = data.get(f"{action}_value"), data.get(f"{action}_unit")
                if value is None:
                    continue
                if value and not unit:
                    raise ValidationError({f"{action}_unit": _("填写时长时须选择单位")})
                measures[str(action)] = {"value": value, "unit": unit} if value else None
            if not measures:
                raise ValidationError({"promote_value": _("须至少调整一项措施（时长，或 0 = 不执行）")})
            return {"measures": measures}
        return {"waived": bool(data.get("waive"))}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            month = parse_month(cleaned.get("month_text", ""))
        except ValueError as exc:
            self.add_error("month_text", str(exc))
            return cleaned
        kind = cleaned.get("kind")
        try:
            value = self._value(kind)
            self.instance = decision_override_create(
                kind=kind, partner=cleaned["partner"], cooperation_type=cleaned.get("cooperation_type") or "",
                month=month, item=cleaned.get("item", ""), value=value, reason=cleaned.get("reason", ""),
                actor=self.user,
            )
        except ValidationError as exc:
            names = {"value": {OverrideKind.ASSESSMENT_ITEM: "new_points", OverrideKind.PENALTY_PROPOSAL:
                               "promote_value"}.get(kind, "waive"), "month": "month_text", "created_by": None}
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    field = names.get(field, field)
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return cleaned

    def _post_clean(self):
        pass  # the service built and saved the row (``clean``); nothing else to copy onto the instance

    def save(self, commit=True):
        return self.instance

    def save_m2m(self):
        pass


@admin.register(DecisionOverride)
class DecisionOverrideAdmin(ExportAdminMixin, ApprovalAdminMixin, HistoryAdmin):
    exporter_class = DecisionOverrideExporter
    list_display = ["id", "kind", "partner", "cooperation_type", "month_text", "item", "automatic_text",
                    "current_text", "value_text", "automatic_moved", "status", "in_force_text", "created_by",
                    "created_at"]
    list_filter = ["kind", MonthListFilter, "status", "cooperation_type",
                   ("automatic_moved_at", admin.EmptyFieldListFilter)]
    search_fields = ["partner__code", "partner__name", "item", "reason"]
    list_select_related = ["partner", "created_by"]
    readonly_fields = ["kind", "partner", "cooperation_type", "month_text", "item", "automatic_text",
                       "current_text", "automatic_moved_at", "moved_table", "value_text", "reason", "created_by",
                       "created_at", "status", "submitted_by", "submitted_at", "approved_by", "approved_at",
                       "superseded_at", "audit_trail_table"]
    fieldsets = [
        (_("自动决定"), {"fields": ["kind", "partner", "cooperation_type", "month_text", "item", "automatic_text",
                                 "current_text", "automatic_moved_at", "moved_table"]}),
        (_("人工调整"), {"fields": ["value_text", "reason", "created_by", "created_at"]}),
        (_("审批"), {"fields": ["status", "submitted_by", "submitted_at", "approved_by", "approved_at",
                              "superseded_at", "audit_trail_table"]}),
    ]
    add_fieldsets = [
        (_("要调整的自动决定"), {"fields": ["kind", "partner", "cooperation_type", "month_text", "item"]}),
        (_("新值（按决定类型填写一项）"), {"fields": ["new_points", "promote_value", "promote_unit",
                                              "apply_codes_value", "apply_codes_unit", "waive"]}),
        (_("原因"), {"fields": ["reason"]}),
    ]
    autocomplete_fields = ["partner"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = DecisionOverrideForm

            class BoundForm(form):
                def __init__(self, *args, **kw):
                    super().__init__(*args, user=request.user, **kw)

            return BoundForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # written by ``decision_override_create`` in the form's clean

    @admin.display(description=_("月份"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("调整时的自动结果"))
    def automatic_text(self, obj):
        return describe(obj.kind, obj.automatic_value)

    @admin.display(description=_("最近一次计算的自动结果"))
    def current_text(self, obj):
        return describe(obj.kind, obj.automatic_current) or _("（不再产生）")

    @admin.display(description=_("调整后取值"))
    def value_text(self, obj):
        return describe(obj.kind, obj.value)

    @admin.display(description=_("自动结果已变动"), boolean=True)
    def automatic_moved(self, obj):
        return obj.automatic_moved

    @admin.display(description=_("生效中"), boolean=True)
    def in_force_text(self, obj):
        return obj.in_force

    @admin.display(description=_("自动结果变动记录"))
    def moved_table(self, obj):
        rows = [(m.get("at", "")[:16].replace("T", " "), describe(obj.kind, m.get("from")) or "—",
                 describe(obj.kind, m.get("to")) or _("（不再产生）")) for m in obj.automatic_history]
        if not rows:
            return "—"
        return format_html_join("", "<div>{}：{} → {}</div>", rows)

    @admin.display(description=_("审批记录"))
    def audit_trail_table(self, obj):
        return audit_table(obj)

