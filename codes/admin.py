from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ApprovalAdminMixin, HistoryAdmin, ModelAdmin, ReadOnlyAdminMixin, TabularInline, ask_text
from core.choices import ApprovalStatus
from core.exports import ExportAdminMixin
from core.jobs import JobRefused
from scoring.selectors import rule_book_for

from . import services
from .choices import OwnerKind, ReviewStep
from .models import (
    BusinessCode,
    CodeApplication,
    CodeApplicationReview,
    CodeBatch,
    CodeChangeRequest,
    CodeMonthlyStat,
    CodeRecyclingProposal,
    InternalUnit,
    PartnerExit,
)


def _errors(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


def _run_each(modeladmin, request, queryset, handler, done_text: str) -> None:
    done = 0
    for obj in queryset:
        try:
            handler(obj)
            done += 1
        except (ValidationError, PermissionDenied, JobRefused) as exc:
            modeladmin.message_user(request, f"{obj}: {_errors(exc)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done_text}：{done} 条")


def eligibility_html(items) -> str:
    if not items:
        return "—"
    return format_html(
        "<table><tr><th>规则</th><th>结果</th><th>依据</th></tr>{}</table>",
        format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                         ((i["rule"], "✔" if i["passed"] else "✘", i["detail"]) for i in items)),
    )


@admin.register(InternalUnit)
class InternalUnitAdmin(HistoryAdmin):
    list_display = ["name", "kind", "receiving_department"]
    list_filter = ["kind"]
    search_fields = ["name", "receiving_department"]


class CodeMonthlyStatInline(ReadOnlyAdminMixin, TabularInline):
    model = CodeMonthlyStat
    extra = 0
    fields = ["month", "users", "orders"]
    readonly_fields = fields
    ordering = ["-month"]


class BusinessCodeForm(forms.ModelForm):
    class Meta:
        model = BusinessCode
        fields = ["code", "name", "kind", "category", "owner_kind", "contract", "internal_unit", "cp", "price",
                  "effective_date", "attributes"]

    def clean(self):
        cleaned = super().clean()
        owner_kind, contract, unit = (cleaned.get(name) for name in ("owner_kind", "contract", "internal_unit"))
        if owner_kind == OwnerKind.PARTNER and (contract is None or unit is not None):
            raise ValidationError(_("合作方代码须选择合作合同，且不选内部单位。"))
        if owner_kind == OwnerKind.INTERNAL and (unit is None or contract is not None):
            raise ValidationError(_("内部单位代码须选择内部单位，且不选合作合同。"))
        return cleaned


@admin.register(BusinessCode)
class BusinessCodeAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "category", "owner", "cp", "price", "status", "effective_date",
                    "grant_basis", "own_channel_settlement"]
    list_filter = ["status", "kind", "category", "owner_kind", "grant_basis", "own_channel_settlement",
                   "contract__cooperation_type"]
    search_fields = ["code", "name", "cp", "partner__code", "partner__name", "internal_unit__name"]
    list_select_related = ["partner", "internal_unit"]
    autocomplete_fields = ["contract", "internal_unit"]
    form = BusinessCodeForm
    inlines = [CodeMonthlyStatInline]
    actions = ["activate_today", "finish_recycling", "raise_recycling"]
    always_readonly = ["partner", "status", "grant_basis", "own_channel_settlement", "stopped_new_users_on",
                       "recycling_started_on", "recycled_on", "created_at", "updated_at"]

    @admin.display(description=_("归属"))
    def owner(self, obj):
        return obj.owner_display

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.always_readonly
        # after creation CP, name, price and attributes change only through change requests (R-B-CHANGE)
        return self.always_readonly + ["code", "name", "kind", "category", "owner_kind", "contract", "partner",
                                       "internal_unit", "cp", "price", "attributes", "effective_date"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable after creation; state changes go through actions
        created = services.business_code_create(actor=request.user, **{
            name: form.cleaned_data.get(name) for name in BusinessCodeForm.Meta.fields})
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("生效（按已填生效日期，未填则今日）"))
    def activate_today(self, request, queryset):
        today = timezone.localdate()
        _run_each(self, request, queryset, lambda code: services.code_activate(
            code=code, effective_date=code.effective_date or today, actor=request.user), "已生效")

    @admin.action(description=_("退订完成，标记为已回收"))
    def finish_recycling(self, request, queryset):
        _run_each(self, request, queryset,
                  lambda code: services.code_recycle_finish(code=code, actor=request.user), "已回收")

    @admin.action(description=_("提出回收建议（代码不再使用）"))
    def raise_recycling(self, request, queryset):
        reason, page = ask_text(self, request, queryset, action="raise_recycling", prompt=_("回收原因"))
        if page:
            return page
        _run_each(self, request, queryset,
                  lambda code: services.recycling_proposal_raise(code=code, actor=request.user, reason=reason),
                  "已提出")


@admin.register(CodeMonthlyStat)
class CodeMonthlyStatAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["code", "month", "users", "orders"]
    list_filter = ["month", "code__kind"]
    search_fields = ["code__code", "code__name", "code__partner__code"]
    list_select_related = ["code"]
    date_hierarchy = "month"  # imported: manage.py import_code_stats FILE


class CodeApplicationInline(ReadOnlyAdminMixin, TabularInline):
    model = CodeApplication
    extra = 0
    fields = ["link", "owner", "kind", "name", "application_type", "grant_basis", "eligible", "numbers", "stage",
              "status"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("申请"))
    def link(self, obj):
        return format_html('<a href="{}">#{}</a>', reverse("admin:codes_codeapplication_change", args=[obj.pk]),
                           obj.pk)

    @admin.display(description=_("申请方"))
    def owner(self, obj):
        return obj.partner or obj.internal_unit

    @admin.display(description=_("资格依据"))
    def numbers(self, obj):
        return eligibility_html(obj.eligibility)


@admin.register(CodeBatch)
class CodeBatchAdmin(ExportAdminMixin, ModelAdmin):
    list_display = ["month", "status", "application_count", "eligible_count", "closed_at", "closed_by"]
    list_filter = ["status"]
    readonly_fields = ["month", "status", "closed_at", "closed_by"]
    fields = ["month", "status", "closed_at", "closed_by", "note"]
    inlines = [CodeApplicationInline]
    actions = ["close_batch"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_applications=Count("applications"),
            n_eligible=Count("applications", filter=Q(applications__eligible=True)),
        )

    @admin.display(description=_("申请数"), ordering="n_applications")
    def application_count(self, obj):
        return obj.n_applications

    @admin.display(description=_("符合条件"), ordering="n_eligible")
    def eligible_count(self, obj):
        return obj.n_eligible

    def has_add_permission(self, request):
        return False  # a batch opens with the month's first application (R-B-BATCH)

    @admin.action(description=_("截止受理并提交审核（不符合条件的直接退回）"))
    def close_batch(self, request, queryset):
        _run_each(self, request, queryset, lambda batch: services.batch_close(batch=batch, actor=request.user),
                  "已截止")


class CodeApplicationReviewInline(ReadOnlyAdminMixin, TabularInline):
    model = CodeApplicationReview
    extra = 0
    fields = ["step", "reviewer", "passed", "checklist", "comment", "created_at"]
    readonly_fields = fields


class CodeApplicationAddForm(forms.ModelForm):
    class Meta:
        model = CodeApplication
        fields = ["contract", "internal_unit", "requesting_department", "kind", "category", "name", "cp", "price",
                  "description", "requested_code"]


class InitialReviewForm(forms.Form):
    """The R-B-CHECK checklist, one box per point of the rule set, plus a comment."""

    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        for point in points:
            self.fields[f"check_{point['key']}"] = forms.BooleanField(label=point["name"], required=False)
        self.order_fields([f"check_{p['key']}" for p in points] + ["comment"])
        self.points = points

    def checklist(self) -> dict[str, bool]:
        return {p["key"]: bool(self.cleaned_data.get(f"check_{p['key']}")) for p in self.points}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("决定"), choices=[("approve", _("通过")), ("return", _("退回"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("意见（退回必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(CodeApplication)
class CodeApplicationAdmin(ExportAdminMixin, HistoryAdmin):
    # fits 1440 px: grant basis and the review count are on the detail page
    list_display = ["id", "batch", "owner", "kind", "category", "name", "application_type", "eligible",
                    "failed_rules", "stage", "status"]
    list_filter = ["batch", "stage", "status", "application_type", "eligible", "kind", "owner_kind",
                   "contract__cooperation_type"]
    search_fields = ["name", "partner__code", "partner__name", "internal_unit__name", "requested_code"]
    list_select_related = ["batch", "partner", "internal_unit"]
    inlines = [CodeApplicationReviewInline]
    actions = ["recompute"]
    form = CodeApplicationAddForm
    autocomplete_fields = ["contract", "internal_unit"]
    readonly_on_change = ["review_link", "batch", "owner_kind", "partner", "contract", "internal_unit",
                          "requesting_department", "kind", "category", "name", "cp", "price", "description",
                          "requested_code", "applied_on", "application_type", "grant_basis", "eligible",
                          "eligibility_table", "rule_set", "eligibility_computed_at", "stage", "status",
                          "returned_at_step", "return_reason", "granted_code", "created_by", "submitted_by",
                          "submitted_at", "approved_by", "approved_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_reviews=Count("reviews"))

    def get_fields(self, request, obj=None):
        return self.readonly_on_change if obj else CodeApplicationAddForm.Meta.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_on_change if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("申请方"))
    def owner(self, obj):
        return obj.partner or obj.internal_unit

    @admin.display(description=_("未通过的规则"))
    def failed_rules(self, obj):
        return "、".join(sorted({i["rule"] for i in obj.eligibility if not i["passed"]})) or "—"

    @admin.display(description=_("审核数"), ordering="n_reviews")
    def review_count(self, obj):
        return obj.n_reviews

    @admin.display(description=_("资格判定明细"))
    def eligibility_table(self, obj):
        return eligibility_html(obj.eligibility)

    @admin.display(description=_("审核操作"))
    def review_link(self, obj):
        if obj.status != ApprovalStatus.SUBMITTED:
            return "—"
        url = reverse("admin:codes_codeapplication_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}：填写审核意见</a>', url, obj.get_stage_display())

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = {name: form.cleaned_data.get(name) for name in CodeApplicationAddForm.Meta.fields}
        for name in ["requesting_department", "cp", "description", "requested_code"]:
            data[name] = data[name] or ""
        created = services.application_apply(actor=request.user, **data)
        obj.pk = created.pk
        obj.batch = created.batch
        obj._state.adding = False

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _errors(exc), messages.ERROR)
            return redirect(request.path)

    @admin.action(description=_("重新计算资格（受理前）"))
    def recompute(self, request, queryset):
        _run_each(self, request, queryset,
                  lambda app: services.application_recompute(application=app, actor=request.user), "已重新计算")

    def get_urls(self):
        return [
            path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view),
                 name="codes_codeapplication_review"),
        ] + super().get_urls()

    def review_view(self, request, object_id):
        application = get_object_or_404(CodeApplication.objects.select_related("rule_set"), pk=object_id)
        initial = application.stage == ReviewStep.INITIAL_REVIEW
        points = rule_book_for(application.rule_set).items("code_review_checklist") if initial else []
        form_class = InitialReviewForm if initial else DecisionForm
        kwargs = {"points": points} if initial else {}
        form = form_class(request.POST or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                if initial:
                    services.application_review(application=application, reviewer=request.user,
                                                checklist=form.checklist(), comment=form.cleaned_data["comment"])
                else:
                    services.application_decide(application=application, actor=request.user,
                                                approve=form.cleaned_data["decision"] == "approve",
                                                note=form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _errors(exc))
            else:
                self.message_user(request, _("已记录审核意见"))
                return redirect("admin:codes_codeapplication_change", application.pk)
        return TemplateResponse(request, "admin/codes/review_form.html", {
            **self.admin_site.each_context(request),
            "title": f"{application.get_stage_display()}：{application}",
            "application": application, "form": form, "opts": self.model._meta,
            "eligibility": eligibility_html(application.eligibility),
        })


class ProcessAdminMixin(ApprovalAdminMixin):
    """R-B-PROCESS through the one approval mixin: submitting records the group assessment (a note is required),
    the director approves, a return sends the request back to assessment."""

    submit_prompt = _("组内评估意见")

    def approval_handler(self, action: str):
        return {
            "submit": lambda obj, actor, text: services.process_assess(obj=obj, actor=actor, note=text),
            "approve": lambda obj, actor, text: services.process_approve(obj=obj, actor=actor, note=text),
            "return": lambda obj, actor, text: services.process_return(obj=obj, actor=actor, reason=text),
        }[action]

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.status == ApprovalStatus.DRAFT) and super().has_delete_permission(request, obj)


@admin.register(CodeChangeRequest)
class CodeChangeRequestAdmin(ProcessAdminMixin, HistoryAdmin):
    list_display = ["id", "code", "changes", "reason", "status", "assessed_at", "approved_by", "approved_at"]
    list_filter = ["status"]
    search_fields = ["code__code", "code__name", "code__partner__code", "reason"]
    list_select_related = ["code", "approved_by"]
    readonly_fields = ["code", "changes", "before", "reason", "requested_by", "status", "assessment_note",
                       "assessed_by", "assessed_at", "submitted_by", "submitted_at", "approved_by", "approved_at",
                       "created_at"]

    def has_add_permission(self, request):
        return False  # raised through the API or by a code's change request service


@admin.register(CodeRecyclingProposal)
class CodeRecyclingProposalAdmin(ProcessAdminMixin, HistoryAdmin):
    list_display = ["id", "code", "trigger", "trigger_key", "action", "users", "average_users",
                    "unsubscribe_batches", "rule_id", "status", "assessed_at", "approved_at"]
    list_filter = ["status", "trigger", "action", "rule_id", "trigger_key"]
    search_fields = ["code__code", "code__name", "code__partner__code"]
    list_select_related = ["code"]
    readonly_fields = ["code", "trigger", "trigger_key", "partner_exit", "action", "rule_id", "users",
                       "average_users", "unsubscribe_batches", "items_table", "rule_set", "status", "assessment_note",
                       "assessed_by", "assessed_at", "submitted_by", "submitted_at", "approved_by", "approved_at",
                       "created_at"]
    exclude = ["items"]

    @admin.display(description=_("判定明细"))
    def items_table(self, obj):
        return eligibility_html(obj.items)

    def has_add_permission(self, request):
        return False  # written by the year-end job, an exit, or the code action "提出回收建议"


@admin.register(PartnerExit)
class PartnerExitAdmin(HistoryAdmin):
    list_display = ["partner", "cooperation_type", "exit_date", "reason", "service_can_continue", "proposal_count"]
    list_filter = ["reason", "service_can_continue", "cooperation_type"]
    search_fields = ["partner__code", "partner__name", "note"]
    autocomplete_fields = ["partner"]
    fields = ["partner", "cooperation_type", "exit_date", "reason", "service_can_continue", "note"]
    actions = ["propose"]

    @admin.display(description=_("处置建议数"))
    def proposal_count(self, obj):
        return obj.proposals.count()

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.partner_exit_register(actor=request.user, **{f: form.cleaned_data[f] for f in self.fields})
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("按退出规则生成代码处置建议（R-B-EXIT）"))
    def propose(self, request, queryset):
        _run_each(self, request, queryset,
                  lambda exit_: services.code_exit_propose(partner_exit=exit_, actor=request.user), "已生成")
