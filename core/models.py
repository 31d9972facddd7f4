"""Cross-cutting records: the audit trail, job runs and the approval base every approvable result uses."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import ApprovalStatus, ApproverRole, JobStatus


class AuditEvent(models.Model):
    """One row per state change: who, when, what, why and under which rule (like a realm audit log)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象ID"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=300)
    action = models.CharField(_("动作"), max_length=64)
    from_status = models.CharField(_("原状态"), max_length=32, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("原因/意见"), blank=True)
    rule_id = models.CharField(_("规则编号"), max_length=32, blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class JobRun(models.Model):
    """A run of a scheduled or hand-started job with its progress and counts, visible in the admin."""

    job = models.CharField(_("作业"), max_length=64)
    key = models.CharField(_("日期/月份"), max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.RUNNING)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    message = models.TextField(_("信息"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("作业运行")
        verbose_name_plural = _("作业运行")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "key"], name="core_jobrun_job_key_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.key} {self.get_status_display()}"

    @property
    def progress_percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.finished_at else 0)


class Approvable(ConcurrentTransitionMixin, models.Model):
    """Abstract base for results that go draft → submitted → approved (published) / returned.

    Register each concrete subclass with ``core.approval.approvable_register`` (its ``on_approved`` and
    ``problems`` hooks). Transitions are only made through ``core.approval`` services, which check roles, refuse
    self-approval and write the audit row; the concurrent-transition mixin makes the save
    conditional on the state read, so two leaders approving at once apply it once.
    """

    #: Django group whose members may approve; subclasses override (R-D-APPROVAL).
    approver_role: str = ApproverRole.DIVISION_LEADER
    #: Rule id recorded on approval events.
    approval_rule_id: str = ""

    status = FSMField(_("审批状态"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @transition(field=status, source=[ApprovalStatus.DRAFT, ApprovalStatus.RETURNED], target=ApprovalStatus.SUBMITTED)
    def submit(self) -> None:
        """Hand the result to its approver."""

    @transition(field=status, source=ApprovalStatus.SUBMITTED, target=ApprovalStatus.APPROVED)
    def approve(self) -> None:
        """Publish the result."""

    @transition(field=status, source=ApprovalStatus.SUBMITTED, target=ApprovalStatus.RETURNED)
    def send_back(self) -> None:
        """Return the result to its author with reasons."""

    @property
    def is_approved(self) -> bool:
        return self.status == ApprovalStatus.APPROVED
