"""The job runs in the admin: start any registered job for a chosen date, month or year (permission
``core.run_job``), and a list/detail with a live progress bar (a small JSON endpoint polled by
``core/jobrun_progress.js``), who started the run, its duration and its counts as a table."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .admin import ModelAdmin  # the project's admin base (imported last by core.admin)
from .choices import JobStatus
from .jobs import JobRefused, job_label, job_specs, stale_runs_fail
from .models import JobRun

RUN_PERMISSION = "core.run_job"

#: readable names of the counts the jobs report (others are shown by their key)
COUNT_LABELS = {
    "created": _("新增"), "updated": _("更新"), "unchanged": _("未变"), "deleted": _("删除"),
    "partners": _("合作方"), "contracts": _("合同"), "assessed": _("已考核"), "notifications": _("通报"),
    "warnings": _("预警"), "proposals": _("处罚建议"), "on_hold": _("暂扣"), "stopped": _("停止结算"),
    "carried_forward": _("结转"), "amount_due": _("应付金额（元）"), "later_drafts_to_rerun": _("需重算的后续月份草稿"),
    "applied": _("已执行"), "waiting_for_choice": _("待选择"), "ended_with_cooperation": _("随合作终止结束"),
    "candidates": _("参与判断"), "refused": _("已拒绝"),
    "checked": _("检查"), "flagged": _("预警"), "expired": _("已过期"), "products": _("产品"),
}


def duration_text(run: JobRun) -> str:
    delta = run.duration
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分 {seconds} 秒"
    return f"{minutes} 分 {seconds} 秒" if minutes else f"{seconds} 秒"


def progress_state(run: JobRun) -> dict:
    """What the progress bar shows (the JSON endpoint's answer)."""
    return {
        "id": run.pk, "status": run.status, "status_display": str(run.get_status_display()),
        "done": run.done, "total": run.total, "percent": run.progress_percent, "message": run.message,
        "duration": duration_text(run), "running": run.status == JobStatus.RUNNING,
    }


class JobStartForm(forms.Form):
    job = forms.ChoiceField(label=_("作业"))
    period = forms.CharField(
        label=_("日期/月份/年份"), max_length=10,
        help_text=_("每日作业填日期 YYYY-MM-DD，月度作业填月份 YYYY-MM，年末清理填年份 YYYY"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [
            (spec.name, f"{spec.label}（{ {'date': '日期', 'month': '月份', 'year': '年份'}[spec.period] }）")
            for spec in job_specs()
        ]

    def clean(self):
        data = super().clean()
        spec = next((s for s in job_specs() if s.name == data.get("job")), None)
        if spec is None or not data.get("period"):
            return data
        try:
            value = spec.parse(data["period"].strip())
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None
        data["spec"] = spec
        data["argument"] = (value.isoformat() if spec.period == "date" else
                            f"{value:%Y-%m}" if spec.period == "month" else value)
        return data


class JobFilter(admin.SimpleListFilter):
    """The job filter by the jobs' registered labels, not their internal names."""

    title = _("作业")
    parameter_name = "job"

    def lookups(self, request, model_admin):
        names = JobRun.objects.order_by("job").values_list("job", flat=True).distinct()
        return [(name, job_label(name)) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


class JobRunAdmin(ModelAdmin):
    list_display = ["job_name", "key", "status", "progress_bar", "started_by", "started_at", "duration_display"]
    list_filter = [JobFilter, "status"]
    search_fields = ["job", "key", "message"]
    fields = ["job_name", "key", "status", "progress_bar", "started_by", "started_at", "finished_at",
              "duration_display", "heartbeat_at", "counts_table", "message", "rerun_link"]
    readonly_fields = fields
    change_list_template = "admin/core/jobrun/change_list.html"

    class Media:
        js = ["core/jobrun_progress.js"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path("start/", self.admin_site.admin_view(self.start_view), name="core_jobrun_start"),
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view), name="core_jobrun_progress"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        stale_runs_fail()  # runs whose process died show as failed, not "running" for ever
        extra_context = {**(extra_context or {}), "can_run_jobs": request.user.has_perm(RUN_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        stale_runs_fail()
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("作业"), ordering="job")
    def job_name(self, obj):
        return job_label(obj.job)

    @admin.display(description=_("耗时"))
    def duration_display(self, obj):
        return duration_text(obj)

    @admin.display(description=_("进度"))
    def progress_bar(self, obj):
        state = progress_state(obj)
        url = reverse("admin:core_jobrun_progress", args=[obj.pk]) if state["running"] else ""
        return format_html(
            '<span class="jobrun-progress" data-progress-url="{}">'
            '<progress max="100" value="{}" style="width:10em"></progress> '
            '<span class="jobrun-progress-text">{}/{}（{}%）</span></span>',
            url, state["percent"], state["done"], state["total"], state["percent"],
        )

    @admin.display(description=_("统计"))
    def counts_table(self, obj):
        if not obj.counts:
            return "—"
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>",
            ((COUNT_LABELS.get(key, key), value) for key, value in obj.counts.items()),
        )
        return format_html('<table class="jobrun-counts readonly-table"><tbody>{}</tbody></table>', rows)

    @admin.display(description=_("再次运行"))
    def rerun_link(self, obj):
        if obj.status == JobStatus.RUNNING or obj.job not in {spec.name for spec in job_specs()}:
            return "—"
        url = reverse("admin:core_jobrun_start") + "?" + urlencode({"job": obj.job, "period": obj.key})
        return format_html('<a class="button" href="{}">再次运行 {} {}</a>', url, job_label(obj.job), obj.key)

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(progress_state(get_object_or_404(JobRun, pk=pk)))

    def start_view(self, request):
        if not request.user.has_perm(RUN_PERMISSION):
            raise PermissionDenied
        form = JobStartForm(request.POST or None, initial={key: request.GET.get(key) for key in ("job", "period")})
        if request.method == "POST" and form.is_valid():
            spec, argument = form.cleaned_data["spec"], form.cleaned_data["argument"]
            changelist = reverse("admin:core_jobrun_changelist") + f"?job={spec.name}"
            try:
                result = spec.celery_task().apply_async(kwargs={spec.period: argument, "user_id": request.user.pk})
            except JobRefused as exc:
                messages.error(request, f"{spec.label} {argument} 已拒绝：{exc}")
                return redirect(changelist)
            except (ValidationError, ValueError) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"{spec.label} {argument} 未能运行：{text}")
                return redirect(changelist)
            if result.ready():  # the embedded default runs tasks in-process
                messages.success(request, f"{spec.label} {argument} 已运行完成。")
            else:
                messages.success(request, f"{spec.label} {argument} 已提交到后台队列，进度见下表。")
            return redirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("启动作业"),
            "form": form,
            "jobs": job_specs(),
        }
        return TemplateResponse(request, "admin/core/jobrun/start.html", context)


admin.site.register(JobRun, JobRunAdmin)
