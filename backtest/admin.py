"""Admin: back-test reports (summary, rule changes, score distribution), their rows (sortable, filterable,
exported to xlsx) and rule-set activation requests; the rule-set list's 启用 goes through a request."""

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ApprovalAdminMixin, ModelAdmin
from core.approval import approval_submit
from core.exports import ExportAdminMixin
from core.jobs import job_specs
from core.months import format_month, previous_month
from scoring.admin import RuleSetAdmin
from scoring.models import RuleSet

from . import selectors, services
from .models import BacktestReport, BacktestRow, RuleSetActivationRequest


def _summary_table(report: BacktestReport) -> str:
    labels = [
        ("rows", _("明细行数")), ("rows_changed", _("有变化的行")), ("score_changed", _("考核得分变化的行")),
        ("partners_grade_changed", _("信用等级变化的合作方")), ("partners_warning_changed", _("预警级别变化的合作方")),
        ("partners_payout_changed", _("应付变化的合作方")), ("payout_before", _("应付合计（前，元）")),
        ("payout_after", _("应付合计（后，元）")), ("payout_change", _("应付合计变化（元）")),
    ]
    summary = report.summary or {}
    return format_html("<table><tbody>{}</tbody></table>", format_html_join(
        "", "<tr><th>{}</th><td style='text-align:right'>{}</td></tr>",
        ((label, summary.get(key, "—")) for key, label in labels)))


def _entry_changes_table(report: BacktestReport) -> str:
    if not report.entry_changes:
        return _("与生效规则集相同")

    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("规则"), _("参数键"), _("生效版本"), _("回测版本"),
        format_html_join("", "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>", (
            (c["rule_id"], c["key"], json.dumps(c["before"], ensure_ascii=False),
             json.dumps(c["after"], ensure_ascii=False)) for c in report.entry_changes)))


def _histogram_chart(report: BacktestReport) -> str:
    """The score distribution before/after as CSS bars (no script: the admin's CSP allows none inline)."""
    buckets = report.score_histogram or []
    if not buckets:
        return "—"
    peak = max(max(b["before"], b["after"]) for b in buckets) or 1

    def bar(count: int, colour: str) -> str:
        width = round(240 * count / peak)
        return format_html('<span style="display:inline-block;height:10px;width:{}px;background:{}"></span> {}',
                           width, colour, count)

    rows = format_html_join("", "<tr><th>{}–{}</th><td>{}</td><td>{}</td></tr>", (
        (b["from"], b["to"], bar(b["before"], "#9aa5b1"), bar(b["after"], "#2f6fb3")) for b in buckets))
    return format_html("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
                       _("考核得分"), _("回测前"), _("回测后"), rows)


@admin.register(BacktestReport)
class BacktestReportAdmin(ModelAdmin):
    list_display = ["__str__", "rule_set", "baseline_version", "month_range", "rows_changed", "payout_change",
                    "created_at", "created_by"]
    list_filter = ["rule_set"]
    search_fields = ["rule_set__name", "=rule_set__version"]
    list_select_related = ["rule_set", "created_by"]
    fields = ["rule_set", "baseline_version", "month_from", "month_to", "created_at", "created_by", "summary_table",
              "entry_changes_table", "histogram_chart", "rows_link"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("月份"))
    def month_range(self, obj):
        return f"{format_month(obj.month_from)}–{format_month(obj.month_to)}"

    @admin.display(description=_("有变化的行"))
    def rows_changed(self, obj):
        return (obj.summary or {}).get("rows_changed")

    @admin.display(description=_("应付合计变化（元）"))
    def payout_change(self, obj):
        return (obj.summary or {}).get("payout_change")

    @admin.display(description=_("汇总"))
    def summary_table(self, obj):
        return _summary_table(obj)

    @admin.display(description=_("规则变更"))
    def entry_changes_table(self, obj):
        return _entry_changes_table(obj)

    @admin.display(description=_("考核得分分布（回测前 / 回测后）"))
    def histogram_chart(self, obj):
        return _histogram_chart(obj)

    @admin.display(description=_("明细"))
    def rows_link(self, obj):
        url = reverse("admin:backtest_backtestrow_changelist")
        return format_html('<a href="{}?report__id__exact={}">{}</a> · '
                           '<a href="{}?report__id__exact={}&changed__exact=1">{}</a>',
                           url, obj.pk, _("全部明细"), url, obj.pk, _("只看有变化的"))


@admin.register(BacktestRow)
class BacktestRowAdmin(ExportAdminMixin, ModelAdmin):
    list_display = ["partner", "cooperation_type", "month_text", "score_before", "score_after", "score_change",
                    "warning_level_before", "warning_level_after", "grade_before", "grade_after",
                    "payout_before", "payout_after", "payout_change", "moved", "overrides_text"]
    list_filter = ["report", "month", "cooperation_type", "changed", "grade_changed", "warning_changed",
                   "payout_changed", "grade_after", "overridden"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    ordering = ["month", "partner__code", "cooperation_type"]
    readonly_fields = [f.name for f in BacktestRow._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("月份"), ordering="month")
    def month_text(self, obj):
        return format_month(obj.month)

    @admin.display(description=_("变动的计算明细"))
    def moved(self, obj):
        return "；".join(f"{m['source']} {m['rule']} {m['before'] or '—'}→{m['after'] or '—'}"
                        for m in obj.moved_items) or "—"

    @admin.display(description=_("人工调整"))
    def overrides_text(self, obj):
        return "；".join(obj.overrides) or "—"


@admin.register(RuleSetActivationRequest)
class RuleSetActivationRequestAdmin(ApprovalAdminMixin, ModelAdmin):
    list_display = ["__str__", "rule_set", "effective_from", "status", "report", "created_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["rule_set__name", "note"]
    list_select_related = ["rule_set", "report", "created_by"]
    fields = ["rule_set", "effective_from", "note", "status", "report", "report_summary", "report_entry_changes",
              "report_chart", "created_by", "created_at", "submitted_by", "approved_by", "approved_at",
              "audit_trail_table"]
    readonly_fields = [f for f in fields if f not in ("note",)]

    def has_add_permission(self, request):
        return False  # requests come from the rule-set list's action 启用

    @admin.display(description=_("最新回测汇总"))
    def report_summary(self, obj):
        report = selectors.latest_backtest_report(rule_set=obj.rule_set)
        if report is None:
            return _("尚未回测")
        url = reverse("admin:backtest_backtestreport_change", args=[report.pk])
        return format_html('<a href="{}">{}</a>{}', url, report, _summary_table(report))

    @admin.display(description=_("规则变更"))
    def report_entry_changes(self, obj):
        report = selectors.latest_backtest_report(rule_set=obj.rule_set)
        return _entry_changes_table(report) if report else "—"

    @admin.display(description=_("考核得分分布"))
    def report_chart(self, obj):
        report = selectors.latest_backtest_report(rule_set=obj.rule_set)
        return _histogram_chart(report) if report else "—"


class BacktestRuleSetAdmin(RuleSetAdmin):
    """The rule-set list: 启用 files an activation request for the division leader (it needs a back-test of the
    last complete month); 回测 starts a back-test of the last complete month as a job."""

    actions = ["copy_as_draft", "backtest_last_month", "activate"]
    list_display = [*RuleSetAdmin.list_display, "latest_backtest"]

    @admin.display(description=_("最新回测"))
    def latest_backtest(self, obj):
        report = selectors.latest_backtest_report(rule_set=obj)
        if report is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:backtest_backtestreport_change", args=[report.pk]),
                           f"{format_month(report.month_from)}–{format_month(report.month_to)}")

    @admin.action(description=_("回测上一个完整月份（作业）"))
    def backtest_last_month(self, request, queryset):
        task = next(spec for spec in job_specs() if spec.name == services.JOB_NAME).celery_task()
        month = format_month(previous_month(timezone.localdate()))
        for rule_set in queryset:
            task.delay(month=month, rule_set=rule_set.version, user_id=request.user.pk)
            self.message_user(request, _("已开始回测 %(s)s（%(m)s），见“作业运行”。") % {"s": rule_set, "m": month})

    @admin.action(description=_("启用（提交启用申请，按草稿中填写的生效日期）"))
    def activate(self, request, queryset):
        for rule_set in queryset:
            try:
                activation = services.rule_set_activation_request(
                    rule_set=rule_set, effective_from=rule_set.effective_from, actor=request.user)
                approval_submit(obj=activation, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{rule_set}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(s)s 的启用申请已提交分管领导审批") % {"s": rule_set})


admin.site.unregister(RuleSet)
admin.site.register(RuleSet, BacktestRuleSetAdmin)
