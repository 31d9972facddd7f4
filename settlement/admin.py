from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.admin import ApprovalAdminMixin, HistoryAdmin, MonthListFilter, money_column, money_text
from core.exports import ExportAdminMixin

from .exports import SettlementStatementExporter
from .models import ExtraDeduction, NegativeOffsetDecision, SettlementAdjustment, SettlementStatement, WriteDown
from .selectors import statement_totals
from .services import (
    extra_deduction_record,
    negative_offset_decide,
    settlement_adjustment_record,
    write_down_record,
)


def _statement_label(field: str):
    return SettlementStatement._meta.get_field(field).verbose_name


@admin.register(SettlementStatement)
class SettlementStatementAdmin(ExportAdminMixin, ApprovalAdminMixin, HistoryAdmin):
    exporter_class = SettlementStatementExporter
    change_list_template = "admin/settlement/settlementstatement/change_list.html"
    # fits 1440 px with status and amount due in view: revenue, warning level, deductions, held balance and the rest
    # are on the detail page
    list_display = ["partner", "cooperation_type", "month_text", "settled_money", "amount_due_money", "on_hold",
                    "status"]
    list_filter = [MonthListFilter, "status", "on_hold", "stopped", "cooperation_type"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner", "contract"]
    # money as "1,234,567.50" on the detail page too (the columns below)
    readonly_fields = ["contract", "partner", "cooperation_type", "month_text", "rule_set", "revenue_money",
                       "revenue_share", "payable_money", "warning_level", "warning_percent", "settled_money",
                       "extra_deductions_money", "write_downs_money", "adjustments_money", "brought_forward_money",
                       "offsets_money", "balance_money", "held_before_money", "released_money", "held_balance_money",
                       "stopped_amount_money", "amount_due_money", "carried_forward_money", "on_hold", "stopped",
                       "items_text", "status", "computed_at", "submitted_by", "submitted_at", "approved_by",
                       "approved_at"]
    fields = readonly_fields
    exclude = ["items"]

    @admin.display(description=_("月份"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("扣减合计"))
    def deductions_total(self, obj):
        return obj.deductions

    revenue_money = money_column("revenue", _("信息费收入（元）"))
    payable_money = money_column("payable", _statement_label("payable"))
    settled_money = money_column("settled", _("预警后结算额（元）"))
    extra_deductions_money = money_column("extra_deductions", _statement_label("extra_deductions"))
    write_downs_money = money_column("write_downs", _statement_label("write_downs"))
    adjustments_money = money_column("adjustments", _statement_label("adjustments"))
    brought_forward_money = money_column("brought_forward", _statement_label("brought_forward"))
    offsets_money = money_column("offsets", _statement_label("offsets"))
    balance_money = money_column("balance", _statement_label("balance"))
    held_before_money = money_column("held_before", _statement_label("held_before"))
    released_money = money_column("released", _statement_label("released"))
    held_balance_money = money_column("held_balance", _("暂扣余额（元）"))
    stopped_amount_money = money_column("stopped_amount", _statement_label("stopped_amount"))
    amount_due_money = money_column("amount_due", _("本期应付（元）"))
    carried_forward_money = money_column("carried_forward", _statement_label("carried_forward"))

    @admin.display(description=_("扣减合计（元）"))
    def deductions_money(self, obj):
        return money_text(obj.deductions)

    @admin.display(description=_("计算明细"))
    def items_text(self, obj):
        return "\n".join(f"{i['rule']}  {i['points']}  {i['detail']}" for i in obj.items)

    def has_add_permission(self, request):
        return False  # statements come from run_settlement

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            queryset = changelist.queryset
            response.context_data["totals"] = {
                key: money_text(value) for key, value in statement_totals(queryset).items()}
            response.context_data["held_count"] = queryset.filter(on_hold=True).count()
            response.context_data["carried_count"] = queryset.filter(carried_forward__lt=0).count()
        return response


@contextmanager
def _rolled_back():
    """Run a recording service for its checks only: whatever it wrote is rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _ServiceForm(forms.ModelForm):
    """Runs the recording service's checks at form time (rolled back), so errors show next to the field."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
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


class WriteDownForm(_ServiceForm):
    class Meta:
        model = WriteDown
        fields = ["contract", "month", "amount", "reference", "reason"]

    def record(self, actor):
        d = self.cleaned_data
        return write_down_record(contract=d["contract"], month=d["month"], amount=d["amount"],
                                 reference=d["reference"], reason=d["reason"], actor=actor)


class ExtraDeductionForm(_ServiceForm):
    class Meta:
        model = ExtraDeduction
        fields = ["contract", "month", "percent", "cause", "decided_by", "decided_on", "decision_reference", "reason"]

    def record(self, actor):
        return extra_deduction_record(actor=actor, **{f: self.cleaned_data[f] for f in self.Meta.fields})


class NegativeOffsetForm(_ServiceForm):
    class Meta:
        model = NegativeOffsetDecision
        fields = ["from_contract", "to_contract", "month", "decision_reference", "reason"]

    def record(self, actor):
        return negative_offset_decide(actor=actor, **{f: self.cleaned_data[f] for f in self.Meta.fields})


class AdjustmentForm(_ServiceForm):
    class Meta:
        model = SettlementAdjustment
        fields = ["contract", "month", "corrects_month", "amount", "rule_id", "reason"]

    def record(self, actor):
        return settlement_adjustment_record(actor=actor, **{f: self.cleaned_data[f] for f in self.Meta.fields})


class _InputAdmin(HistoryAdmin):
    """Settlement inputs are recorded through their service; once recorded they are not edited here."""

    search_fields = ["contract__partner__code", "contract__partner__name"]
    date_hierarchy = "month"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = form.record(actor=request.user)
        obj.pk, obj.id = saved.pk, saved.pk

    def delete_model(self, request, obj):
        from .services import _require_open

        contract_id = getattr(obj, "contract_id", None) or obj.from_contract_id
        try:
            _require_open(contract_id, getattr(obj, "booked_month", None) or obj.month)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        super().delete_model(request, obj)


@admin.register(WriteDown)
class WriteDownAdmin(_InputAdmin):
    form = WriteDownForm
    list_display = ["contract", "month", "amount_money", "reference", "created_by", "created_at"]
    amount_money = money_column("amount", WriteDown._meta.get_field("amount").verbose_name)
    list_filter = ["month"]
    autocomplete_fields = ["contract"]


@admin.register(ExtraDeduction)
class ExtraDeductionAdmin(_InputAdmin):
    form = ExtraDeductionForm
    list_display = ["contract", "month", "booked_month", "percent", "cause", "decided_by", "decided_on",
                    "decision_reference"]
    list_filter = ["month", "cause", "decided_by"]
    autocomplete_fields = ["contract"]


@admin.register(NegativeOffsetDecision)
class NegativeOffsetDecisionAdmin(_InputAdmin):
    form = NegativeOffsetForm
    list_display = ["month", "from_contract", "to_contract", "decision_reference", "created_by"]
    list_filter = ["month"]
    search_fields = ["from_contract__partner__code", "from_contract__partner__name", "decision_reference"]
    autocomplete_fields = ["from_contract", "to_contract"]


@admin.register(SettlementAdjustment)
class SettlementAdjustmentAdmin(_InputAdmin):
    form = AdjustmentForm
    list_display = ["contract", "month", "corrects_month", "amount_money", "rule_id", "reason", "created_by"]
    amount_money = money_column("amount", SettlementAdjustment._meta.get_field("amount").verbose_name)
    list_filter = ["month", "rule_id"]
    autocomplete_fields = ["contract"]
