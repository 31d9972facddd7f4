from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ApprovalAdminMixin,
    HistoryAdmin,
    ModelAdmin,
    ReadOnlyAdminMixin,
    ResultAdmin,
    TabularInline,
    ask_text,
    overrides_table,
)
from core.choices import ApprovalStatus
from core.exports import ExportAdminMixin
from enforcement.choices import RestrictedAction
from overrides.registry import describe

from .choices import SANCTION_ACTIONS, EvidenceChannel, SanctionCode, SanctionStatus
from .exports import CreditSanctionExporter
from .models import (
    CalendarOverride,
    CompanyImportanceEvidence,
    CreditSanction,
    MajorViolation,
    ManualItemScore,
    MonthlyCreditScore,
)
from .selectors import sanctions_attach_overrides
from .services import (
    company_importance_file,
    company_importance_review,
    credit_sanction_apply,
    credit_sanction_choose,
    linked_penalties_settle,
    major_violation_record,
    manual_item_keys,
    manual_item_score_set,
)


def _errors(exc) -> str:
    return "; ".join(getattr(exc, "messages", [str(exc)]))


class ItemsTableMixin:
    @admin.display(description=_("得分项目"))
    def items_table(self, obj):
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((i.get("name", i.get("item")), i["rule"], i["points"], i["weight"],
              f"{i['detail']}{'（假定）' if i.get('assumed') else ''}") for i in obj.items),
        )
        months = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((m["month"], m["monthly_score"], m["weight"]) for m in obj.months),
        )
        return format_html(
            '<table><tr><th>项目</th><th>规则</th><th>得分</th><th>权重</th><th>说明</th></tr>{}</table>'
            '<table><tr><th>月份</th><th>当月积分</th><th>权重（R-K-WEIGHTED）</th></tr>{}</table>', rows, months,
        )


class CreditSanctionInline(ReadOnlyAdminMixin, TabularInline):
    model = CreditSanction
    fk_name = "credit_score"
    extra = 0
    fields = ["partner", "code", "action", "status", "due_on", "applied_on", "ended_on"]
    readonly_fields = fields


#: the weight profiles of R-K-COMPOSE (``credit.rules``): the stored code and its reading
WEIGHT_PROFILE_LABELS = {"ordinary": _("普通渠道权重"), "core": _("核心/联合会员权重")}


class WeightProfileFilter(admin.SimpleListFilter):
    title = _("权重档")
    parameter_name = "weight_profile"

    def lookups(self, request, model_admin):
        return list(WEIGHT_PROFILE_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(weight_profile=self.value()) if self.value() else queryset


@admin.register(MonthlyCreditScore)
class MonthlyCreditScoreAdmin(ReadOnlyAdminMixin, ExportAdminMixin, ApprovalAdminMixin, ItemsTableMixin, ModelAdmin):
    list_display = ["partner", "month_text", "score", "grade", "monthly_score", "weight_profile_text", "status",
                    "rule_set", "major_violation"]
    list_filter = ["status", "grade", "month", WeightProfileFilter]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "rule_set", "major_violation"]
    date_hierarchy = "month"
    inlines = [CreditSanctionInline]
    fields = ["partner", "month_text", "score", "grade", "monthly_score", "weight_profile_text", "items_table",
              "rule_set", "major_violation", "computed_at", "status", "submitted_by", "submitted_at", "approved_by",
              "approved_at"]
    readonly_fields = fields  # computed by run_credit_scoring
    month_text = ResultAdmin.month_text

    @admin.display(description=_("权重档"), ordering="weight_profile")
    def weight_profile_text(self, obj):
        return WEIGHT_PROFILE_LABELS.get(obj.weight_profile, obj.weight_profile)


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("逾期未执行")), ("no", _("未逾期"))]

    def queryset(self, request, queryset):
        overdue = {"status": SanctionStatus.PENDING, "due_on__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class LinkedFilter(admin.SimpleListFilter):
    title = _("关联处罚")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", _("关联公司处罚")), ("no", _("本公司处罚"))]

    def queryset(self, request, queryset):
        from django.db.models import F

        if self.value() == "yes":
            return queryset.exclude(partner_id=F("origin_partner_id"))
        if self.value() == "no":
            return queryset.filter(partner_id=F("origin_partner_id"))
        return queryset


class CreditSanctionForm(forms.ModelForm):
    class Meta:
        model = CreditSanction
        fields = ["action", "keep_after_cooperation_end"]

    def clean_action(self):
        action = self.cleaned_data["action"]
        if action and action not in SANCTION_ACTIONS[self.instance.code]:
            raise ValidationError(_("此处罚只能选择：%(a)s") % {
                "a": "、".join(str(RestrictedAction(a).label) for a in SANCTION_ACTIONS[self.instance.code])})
        return action


@admin.register(CreditSanction)
class CreditSanctionAdmin(ExportAdminMixin, HistoryAdmin):
    form = CreditSanctionForm
    exporter_class = CreditSanctionExporter
    list_display = ["partner", "origin_partner", "month", "grade", "code", "action", "status", "waived", "issued_on",
                    "due_on", "overdue", "applied_on", "ended_on", "rule_id"]
    list_filter = [OverdueFilter, LinkedFilter, "status", "grade", "code", "due_on"]
    search_fields = ["partner__code", "partner__name", "origin_partner__code"]
    list_select_related = ["partner", "origin_partner"]
    date_hierarchy = "due_on"
    actions = ["apply_now", "apply_phone_bill", "apply_client_promotion"]
    readonly_fields = ["partner", "origin_partner", "credit_score", "month", "grade", "code", "rule_id", "issued_on",
                       "due_on", "status", "applied_on", "applied_by", "ended_on", "end_reason", "replaced_by",
                       "created_at", "waived", "overrides"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        sanctions_attach_overrides(changelist.result_list)
        return changelist

    def _attached(self, obj):
        if not hasattr(obj, "override_in_force"):
            sanctions_attach_overrides([obj])
        return obj

    @admin.display(description=_("人工调整为不执行"), boolean=True)
    def waived(self, obj):
        return self._attached(obj).override_in_force is not None

    @admin.display(description=_("人工调整（含历史）"))
    def overrides(self, obj):
        return overrides_table(self._attached(obj).decision_overrides, describe=describe)

    def has_add_permission(self, request):
        return False  # issued by approving a grade

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != SanctionStatus.PENDING:
            return [*self.readonly_fields, "action"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        credit_sanction_choose(sanction=obj, actor=request.user, action=form.cleaned_data.get("action") or "",
                               keep_after_cooperation_end=form.cleaned_data.get("keep_after_cooperation_end"))

    @admin.display(description=_("逾期"), boolean=True)
    def overdue(self, obj):
        return obj.status == SanctionStatus.PENDING and obj.due_on < timezone.localdate()

    def _apply(self, request, queryset, action: str = ""):
        today, done = timezone.localdate(), 0
        for sanction in queryset:
            try:
                credit_sanction_apply(sanction=sanction, on=today, actor=request.user, action=action)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{sanction}: {_errors(exc)}", messages.ERROR)
        if done:
            self.message_user(request, _("已执行 %(n)d 项处罚并登记限制措施") % {"n": done})

    @admin.action(description=_("立即执行选中的处罚"))
    def apply_now(self, request, queryset):
        self._apply(request, queryset)

    @admin.action(description=_("执行：D级二选一——暂停话费计费"))
    def apply_phone_bill(self, request, queryset):
        self._apply(request, queryset.filter(code=SanctionCode.SUSPEND_BILLING_OR_PROMOTION),
                    RestrictedAction.PHONE_BILL_CHARGING)

    @admin.action(description=_("执行：D级二选一——暂停客户端推广"))
    def apply_client_promotion(self, request, queryset):
        self._apply(request, queryset.filter(code=SanctionCode.SUSPEND_BILLING_OR_PROMOTION),
                    RestrictedAction.CLIENT_PROMOTION)


@admin.register(MajorViolation)
class MajorViolationAdmin(ApprovalAdminMixin, HistoryAdmin):
    list_display = ["partner", "category", "occurred_on", "effective_on", "status", "penalty_settled_on"]
    list_filter = ["status", "category", "occurred_on"]
    search_fields = ["partner__code", "partner__name", "description", "decision"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    actions = [*ApprovalAdminMixin.approval_actions, "settle_penalty"]
    fields = ["partner", "category", "occurred_on", "description", "evidence", "decision", "effective_on", "status",
              "recorded_by", "submitted_by", "approved_by", "approved_at", "penalty_settled_on",
              "penalty_settled_by", "penalty_settle_note"]
    readonly_fields = ["status", "recorded_by", "submitted_by", "approved_by", "approved_at", "penalty_settled_on",
                       "penalty_settled_by", "penalty_settle_note"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status in {ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED}:
            return self.fields
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = major_violation_record(
            partner=obj.partner, category=obj.category, occurred_on=obj.occurred_on, description=obj.description,
            evidence=obj.evidence, decision=obj.decision, effective_on=obj.effective_on, actor=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(description=_("处罚执行完毕：解除关联公司处罚（R-K-LINKED）"))
    def settle_penalty(self, request, queryset):
        note, page = ask_text(self, request, queryset, action="settle_penalty",
                              prompt=_("处罚执行完毕情况说明（将解除关联公司的全部合作与结算暂停）"))
        if page:
            return page
        for violation in queryset.filter(status=ApprovalStatus.APPROVED):
            try:
                lifted = linked_penalties_settle(partner=violation.partner, on=timezone.localdate(), note=note,
                                                 actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{violation}: {_errors(exc)}", messages.ERROR)
            else:
                self.message_user(request, _("%(v)s：已解除 %(n)d 项关联处罚") % {"v": violation, "n": lifted})


class CompanyImportanceEvidenceForm(forms.ModelForm):
    evidence_url = forms.URLField(label=_("材料链接"), required=False, assume_scheme="https")

    class Meta:
        model = CompanyImportanceEvidence
        fields = ["partner", "category", "description", "evidence", "evidence_url", "authorised_by_parent",
                  "valid_until", "review_minutes"]

    def clean_category(self):
        from .services import importance_categories

        category = self.cleaned_data["category"]
        categories = importance_categories(on=timezone.localdate())
        if category not in categories:
            raise ValidationError(_("类别须为：%(c)s") % {"c": "、".join(f"{k}（{v}）" for k, v in categories.items())})
        return category

    def clean(self):
        from .services import company_importance_authorisation_problems

        cleaned = super().clean()
        if self.instance.partner_id or cleaned.get("partner"):
            self.instance.partner = cleaned.get("partner") or self.instance.partner
            self.instance.authorised_by_parent = cleaned.get("authorised_by_parent")
            for problem in company_importance_authorisation_problems(evidence=self.instance):
                self.add_error("authorised_by_parent", problem)
        return cleaned


@admin.register(CompanyImportanceEvidence)
class CompanyImportanceEvidenceAdmin(ApprovalAdminMixin, HistoryAdmin):
    form = CompanyImportanceEvidenceForm
    list_display = ["partner", "category", "channel", "status", "filed_at", "effective_from", "valid_until"]
    list_filter = ["status", "category", "channel"]
    search_fields = ["partner__code", "partner__name", "description", "evidence"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner", "authorised_by_parent"]
    actions = ["submit_selected", "review_approve", "return_selected"]
    readonly_fields = ["channel", "filed_by", "status", "effective_from", "submitted_by", "approved_by",
                       "approved_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status == ApprovalStatus.APPROVED:
            return [*self.readonly_fields, "partner", "category", "description", "evidence", "evidence_url",
                    "authorised_by_parent", "review_minutes"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        created = company_importance_file(
            partner=data["partner"], category=data["category"], description=data["description"],
            evidence=data["evidence"], evidence_url=data.get("evidence_url") or "",
            authorised_by_parent=data.get("authorised_by_parent") or "", valid_until=data.get("valid_until"),
            channel=EvidenceChannel.STAFF, actor=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(description=_("拓展中心评审通过（需填写会议纪要）"))
    def review_approve(self, request, queryset):
        minutes, page = ask_text(self, request, queryset, action="review_approve", prompt=_("评审会议纪要"))
        if page:
            return page
        for evidence in queryset:
            try:
                evidence = company_importance_review(evidence=evidence, actor=request.user, minutes=minutes)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{evidence}: {_errors(exc)}", messages.ERROR)
            else:
                self.message_user(request, _("%(e)s 已通过，自 %(m)s 的信用积分起计入") % {
                    "e": evidence, "m": f"{evidence.effective_from:%Y-%m}"})


class ManualItemScoreForm(forms.ModelForm):
    class Meta:
        model = ManualItemScore
        fields = ["partner", "month", "item", "points", "note"]

    def clean(self):
        cleaned = super().clean()
        month, item = cleaned.get("month"), cleaned.get("item")
        if month and month.day != 1:
            self.add_error("month", _("月份须为当月第一天（YYYY-MM-01）"))
        elif month and item:
            keys = manual_item_keys(month=month)
            if item not in keys:
                self.add_error("item", _("可录入项目：%(k)s") % {"k": ", ".join(keys)})
        return cleaned


@admin.register(ManualItemScore)
class ManualItemScoreAdmin(HistoryAdmin):
    """Base-item scores entered by staff; when absent, the rule-set default applies (shown as assumed)."""

    form = ManualItemScoreForm
    list_display = ["partner", "month", "item", "points", "entered_by", "updated_at"]
    list_filter = ["item", "month"]
    search_fields = ["partner__code", "partner__name", "note"]
    list_select_related = ["partner", "entered_by"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "month"

    def get_readonly_fields(self, request, obj=None):
        return ["partner", "month", "item"] if obj else []

    def save_model(self, request, obj, form, change):
        record = manual_item_score_set(partner=obj.partner, month=obj.month, item=obj.item, points=obj.points,
                                       note=obj.note, actor=request.user)
        obj.pk = record.pk


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(HistoryAdmin):
    """Holidays and make-up workdays that take precedence over the chinesecalendar package (R-K-DEADLINE)."""

    list_display = ["day", "kind", "name", "note"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "day"
