"""Admin of the mobile-newspaper app: products with their launch timeline, the test page (testers' scores with the
average and the decision), documents with expiry filters, breaches, operating scores and the catalogue.

Every write goes through ``newspaper.services`` (forms run the service's checks first, rolled back, so errors show
next to the field); approvals through ``core.approval``.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.forms import ActionForm as UnfoldActionForm

from core.admin import ApprovalAdminMixin, HistoryAdmin, ModelAdmin, ResultAdmin, TabularInline
from core.audit import audit_trail
from core.exports import ExportAdminMixin
from scoring.selectors import rule_book_in_force_or_oldest

from . import selectors, services
from .choices import LaunchStage
from .exports import CatalogueExporter, ProductRecordExporter, ProductTestResultsExporter
from .models import (
    Breach,
    CatalogueProduct,
    LaunchStep,
    NewspaperPartnerProfile,
    NewspaperProduct,
    OperatingScore,
    ProductTest,
    QualificationDocument,
    ScoreAction,
    TesterScore,
)

ASSUMED_NOTE = _("（假定）运营分公式、扣分与警告/退出阈值为原文缺失时的假定值，以规则集为准，待运营确认。")


def _messages(exc) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _ServiceForm(forms.ModelForm):
    """Runs the recording service's checks at form time (rolled back), so errors show next to the field."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.instance.pk:
            return
        try:
            with _rolled_back():
                self.record(actor=None)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc)
                return
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)


# --- partners and documents ---------------------------------------------------------------------------------------


@admin.register(NewspaperPartnerProfile)
class NewspaperPartnerProfileAdmin(HistoryAdmin):
    list_display = ["partner", "relation", "media_name"]
    list_filter = ["relation"]
    search_fields = ["partner__code", "partner__name", "media_name"]
    autocomplete_fields = ["partner"]


class ExpiryFilter(admin.SimpleListFilter):
    title = _("到期情况")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        book = rule_book_in_force_or_oldest(on=timezone.localdate())[1]
        bands = sorted(int(b) for b in book.items("newspaper_document_expiry_warning_days"))
        return [("expired", _("已过期")), *[(str(b), f"{b} 天内到期") for b in bands]]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(valid_to__lt=today)
        if self.value():
            return queryset.filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=int(self.value())))
        return queryset


class QualificationDocumentForm(forms.ModelForm):
    class Meta:
        model = QualificationDocument
        fields = ["partner", "kind", "issuer", "number", "scope", "category", "held_by_parent", "holder_name",
                  "authorising_media", "valid_from", "valid_to", "file"]

    def clean(self):
        cleaned = super().clean()
        for field, reason in services.document_problems(cleaned):
            self.add_error(field, reason)
        return cleaned


@admin.register(QualificationDocument)
class QualificationDocumentAdmin(ExportAdminMixin, HistoryAdmin):
    form = QualificationDocumentForm
    list_display = ["partner", "kind", "number", "issuer", "category", "held_by_parent", "valid_from", "valid_to",
                    "expiry_text"]
    list_filter = [ExpiryFilter, "kind", "issuer", "expiry_warning_days"]
    search_fields = ["partner__code", "partner__name", "number", "authorising_media", "holder_name"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "valid_to"
    readonly_fields = ["expiry_warning_days", "expiry_checked_on"]

    @admin.display(description=_("到期提示"))
    def expiry_text(self, obj):
        days_left = (obj.valid_to - timezone.localdate()).days
        if days_left < 0:
            return format_html('<strong style="color:#ba2121">已过期 {} 天</strong>', -days_left)
        if obj.expiry_warning_days:
            return format_html('<span style="color:#b36b00">{} 天后到期（{} 天预警）</span>', days_left,
                               obj.expiry_warning_days)
        return f"剩余 {days_left} 天"


# --- products and the launch ---------------------------------------------------------------------------------------


class LaunchStepInline(TabularInline):
    model = LaunchStep
    extra = 0
    fields = ["launch_round", "stage", "done_on", "done_by", "document", "document_file", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProductForm(_ServiceForm):
    class Meta:
        model = NewspaperProduct
        fields = ["partner", "name", "editing_mode", "category", "scope", "delivery_format", "frequency",
                  "suggested_price", "content", "sections", "demo", "proposed_on"]

    def record(self, actor):
        values = {f: self.cleaned_data[f] for f in self.Meta.fields}
        return services.product_propose(on=values.pop("proposed_on"), actor=actor, **values)


def _action_bar_input(label, widget_class=forms.TextInput, size=16):
    """A compact input of the theme's action bar: its label as placeholder, so the bar keeps its run button on
    screen (three labelled fields pushed it out of a 1280-pixel window)."""
    return widget_class(attrs={"size": size, "placeholder": label, "aria-label": label, "title": label,
                               "class": "bg-white/20 px-2 py-1 rounded-default text-current placeholder:text-white/70"})


class LaunchActionForm(UnfoldActionForm):
    """The theme's action form: the bar shows its run button only once its action select has a value."""

    document = forms.CharField(label="", required=False, widget=_action_bar_input(_("阶段文件/意见")))
    start_date = forms.DateField(label="", required=False,
                                 widget=_action_bar_input(_("测试开始日期"), forms.DateInput, size=10))
    testers = forms.CharField(label="", required=False, widget=_action_bar_input(_("测试人员（逗号分隔）")))


@admin.register(NewspaperProduct)
class NewspaperProductAdmin(ExportAdminMixin, HistoryAdmin):
    form = ProductForm
    action_form = LaunchActionForm
    actions = ["record_next_stage", "start_test"]
    list_display = ["name", "partner", "category", "editing_mode", "scope", "status", "stage_text", "launch_round",
                    "listed_on", "reapply_from"]
    list_filter = ["status", "scope", "category", "editing_mode", "launch_stage"]
    search_fields = ["name", "partner__code", "partner__name"]
    autocomplete_fields = ["partner"]
    inlines = [LaunchStepInline]
    readonly_fields = ["status", "launch_stage", "launch_round", "listed_on", "rejected_on", "reapply_from",
                       "warned_on", "exited_on", "qualification", "timeline"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "partner", "name", "scope", "proposed_on"]

    def get_fields(self, request, obj=None):
        fields = list(ProductForm.Meta.fields)
        return fields if obj is None else [*fields, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = form.record(actor=request.user)
        obj.pk = created.pk
        obj.refresh_from_db()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("上线阶段"), ordering="launch_stage")
    def stage_text(self, obj):
        if obj.launch_stage == 0:
            return "未开始"
        return f"{obj.launch_stage}/6 {LaunchStage(obj.launch_stage).label}"

    @admin.display(description=_("资质核验（今日）"))
    def qualification(self, obj):
        result = selectors.product_qualification(product=obj, on=timezone.localdate())
        if result.qualified:
            text = "资质齐全有效"
        else:
            text = "；".join(result.reasons)
        return "；".join([text, *result.notes])

    @admin.display(description=_("时间线"))
    def timeline(self, obj):
        rows = [(f"{s.done_on:%Y-%m-%d}", f"第{s.launch_round}轮 {s.get_stage_display()}", s.done_by or "—",
                 s.document) for s in obj.launch_steps.select_related("done_by")]
        rows += [(timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.action, e.actor or "系统", e.reason)
                 for e in audit_trail(obj)[:50]]
        if not rows:
            return "—"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", sorted(rows))
        return format_html("<table><tbody>{}</tbody></table>", body)

    @admin.action(description=_("登记下一上线阶段（需求/设计/初审/上线）"))
    def record_next_stage(self, request, queryset):
        document = request.POST.get("document", "")
        for product in queryset:
            try:
                step = services.launch_step_record(product=product, stage=product.launch_stage + 1,
                                                   document=document, actor=request.user)
                self.message_user(request, f"{product}：已登记“{step.get_stage_display()}”", messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{product}：{_messages(exc)}", messages.ERROR)

    @admin.action(description=_("开始产品测试（填写开始日期与测试人员）"))
    def start_test(self, request, queryset):
        form = LaunchActionForm(request.POST)
        form.is_valid()
        start = form.cleaned_data.get("start_date")
        testers = [t for t in (form.cleaned_data.get("testers") or "").replace("，", ",").split(",")]
        if not start:
            self.message_user(request, "请填写测试开始日期", messages.ERROR)
            return
        for product in queryset:
            try:
                services.product_test_start(product=product, start_date=start, testers=testers, actor=request.user)
                self.message_user(request, f"{product}：测试已登记", messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{product}：{_messages(exc)}", messages.ERROR)


@admin.register(CatalogueProduct)
class CatalogueAdmin(ExportAdminMixin, ModelAdmin):
    exporter_class = CatalogueExporter
    list_display = ["name", "partner", "category", "editing_mode", "delivery_format", "frequency",
                    "suggested_price", "status", "listed_on"]
    list_filter = ["category", "editing_mode", "delivery_format", "status"]
    search_fields = ["name", "partner__code", "partner__name"]

    def get_queryset(self, request):
        return selectors.catalogue_products()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False



# --- the test page ---------------------------------------------------------------------------------------------------


class TesterScoreForm(forms.ModelForm):
    class Meta:
        model = TesterScore
        fields = ["tester", "score", "scored_on", "comment"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("score") is not None and not cleaned.get("scored_on"):
            self.add_error("scored_on", "填写评分时须填写评分日期")
        return cleaned


class TesterScoreInline(TabularInline):
    model = TesterScore
    form = TesterScoreForm
    extra = 1
    fields = ["tester", "score", "scored_on", "comment", "late", "counted"]
    readonly_fields = ["late", "counted"]


@admin.register(ProductTest)
class ProductTestAdmin(ExportAdminMixin, ApprovalAdminMixin, HistoryAdmin):
    exporter_class = ProductTestResultsExporter
    list_display = ["product", "launch_round", "start_date", "end_date", "scores_due_on", "average",
                    "decision", "summary_late", "status"]
    list_filter = ["status", "decision", "summary_late"]
    search_fields = ["product__name", "product__partner__code"]
    inlines = [TesterScoreInline]
    fields = ["product", "launch_round", "start_date", "end_date", "scores_due_on", "summary_due_on", "summary",
              "summary_on", "summary_late", "average", "counted_scores", "decision", "decision_rule", "breakdown",
              "rule_set", "status", "submitted_by", "approved_by", "audit_trail_table"]
    readonly_fields = [f for f in fields if f not in ("summary", "summary_on")]

    class Media:
        js = ["newspaper/test_average.js"]

    def has_add_permission(self, request):
        return False   # tests are started from the product page (“开始产品测试”)

    @admin.display(description=_("判定规则"))
    def decision_rule(self, obj):
        low, high = rules_thresholds(obj)
        return format_html(
            '<span id="np-decision-rule" data-low="{}" data-high="{}">测试得分 ≥{} 通过；{}–{}（不含）调整后重新执行'
            '上线流程；&lt;{} 退回，退回后满规定期限方可重新申请（R-N-LAUNCH）</span>'
            '<div id="np-live-average"></div>', low, high, high, low, high, low)

    breakdown = ResultAdmin.breakdown

    def save_model(self, request, obj, form, change):
        if {"summary", "summary_on"} & set(form.changed_data) and obj.summary_on:
            try:
                services.product_test_summarise(test=obj, summary=obj.summary, summary_on=obj.summary_on,
                                                actor=request.user)
            except ValidationError as exc:
                self.message_user(request, _messages(exc), messages.ERROR)

    def save_formset(self, request, form, formset, change):
        test = form.instance
        for row_form in formset.forms:
            data = getattr(row_form, "cleaned_data", None)
            if not data or not row_form.has_changed() or data.get("DELETE"):
                continue
            try:
                services.tester_add(test=test, tester=data["tester"], actor=request.user)
                if data.get("score") is not None:
                    services.tester_score_enter(test=test, tester=data["tester"], score=data["score"],
                                                scored_on=data["scored_on"], comment=data.get("comment", ""),
                                                actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{data['tester']}：{_messages(exc)}", messages.ERROR)
        # the change message reads what the formset saved; the services did the saving
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []



def rules_thresholds(test: ProductTest) -> list:
    from scoring.selectors import rule_book_for

    return rule_book_for(test.rule_set).param("newspaper_test_decision_brackets").value["thresholds"]


# --- breaches, scores, warnings and exits ------------------------------------------------------------------------


class BreachForm(_ServiceForm):
    class Meta:
        model = Breach
        fields = ["product", "breach_class", "occurred_on", "description", "evidence", "found_by"]

    def record(self, actor):
        return services.breach_record(actor=actor, **{f: self.cleaned_data[f] for f in self.Meta.fields})


@admin.register(Breach)
class BreachAdmin(ExportAdminMixin, ApprovalAdminMixin, HistoryAdmin):
    exporter_class = ProductRecordExporter
    form = BreachForm
    list_display = ["product", "breach_class", "occurred_on", "found_by", "status"]
    list_filter = ["status", "breach_class"]
    search_fields = ["product__name", "product__partner__code", "description"]
    autocomplete_fields = ["product"]
    date_hierarchy = "occurred_on"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["product", "breach_class", "occurred_on", "status", "recorded_by", "submitted_by", "approved_by",
                "audit_trail_table"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = form.record(actor=request.user)
        obj.pk = created.pk
        obj.refresh_from_db()


class _ScoreResultMixin:
    """Computed under the assumed chapter-9 rules: the breakdown and the note saying so; never added by hand."""

    breakdown = ResultAdmin.breakdown

    @admin.display(description=_("说明"))
    def assumed(self, obj):
        return ASSUMED_NOTE

    def has_add_permission(self, request):
        return False


@admin.register(OperatingScore)
class OperatingScoreAdmin(ExportAdminMixin, _ScoreResultMixin, ResultAdmin):
    exporter_class = ProductRecordExporter
    list_display = ["product", "year", "initial", "deductions", "score", "rule_set_version"]
    list_filter = ["year"]
    search_fields = ["product__name", "product__partner__code"]
    list_select_related = ["product__partner", "rule_set"]
    fields = ["product", "year", "initial", "deductions", "score", "rule_set", "breakdown", "assumed", "computed_at"]
    readonly_fields = fields


@admin.register(ScoreAction)
class ScoreActionAdmin(ExportAdminMixin, ApprovalAdminMixin, _ScoreResultMixin, HistoryAdmin):
    exporter_class = ProductRecordExporter
    list_display = ["product", "year", "kind", "score", "threshold", "proposed_on", "status"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["product__name", "product__partner__code"]
    fields = ["product", "year", "kind", "score", "threshold", "proposed_on", "rule_set", "breakdown", "assumed",
              "status", "submitted_by", "approved_by", "audit_trail_table"]
    readonly_fields = fields
