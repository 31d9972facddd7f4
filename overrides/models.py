"""Overrides of automatic decisions by a named person with a written reason (issue 15 item 4).

A job computes the automatic value of a decision (an assessment item, a warning penalty proposal, a credit grade
sanction) and may delete and recreate the row that holds it. The override therefore lives in its own row, keyed
on the decision's natural key — kind, partner, cooperation type, month and item — never on the decision's row id,
so no rerun of a job can undo it. It is in force once the role that approves the decision approves it; the
effective value is then the override's ``value`` wherever the decision is shown or read.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApprovalStatus
from core.models import Approvable
from partners.choices import CooperationType
from partners.models import validate_first_of_month

from .choices import APPROVAL_RULES, APPROVER_ROLES, OverrideKind
from .registry import item_label

NATURAL_KEY = ["kind", "partner", "cooperation_type", "month", "item"]


class DecisionOverride(Approvable):
    """A named person's override of one automatic decision, with the reason, approved like the decision.

    ``automatic_value`` is the job's value when the override was filed; ``automatic_current`` the job's value at
    its latest run (``automatic_moved_at`` says when it last moved under the override). ``superseded_at`` is set
    when a later override of the same decision comes into force (or a returned one is replaced by a new filing).
    At most one override per decision is pending (a constraint); at most one is in force (the approval hook
    supersedes the earlier one in the same transaction).
    """

    kind = models.CharField(_("决定类型"), max_length=32, choices=OverrideKind.choices)
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="decision_overrides"
    )
    cooperation_type = models.CharField(
        _("合作类型"), max_length=32, choices=CooperationType.choices, blank=True, help_text=_("空 = 不分合作类型")
    )
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    item = models.CharField(_("项目"), max_length=40, help_text=_("考核项目、预警级别或信用处罚措施。"))
    automatic_value = models.JSONField(_("调整时的自动结果"), null=True, blank=True, encoder=DjangoJSONEncoder)
    automatic_current = models.JSONField(_("最近一次计算的自动结果"), null=True, blank=True, encoder=DjangoJSONEncoder)
    automatic_moved_at = models.DateTimeField(_("自动结果变动时间"), null=True, blank=True)
    automatic_history = models.JSONField(
        _("自动结果变动记录"), default=list, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("[{at, from, to}]：调整生效期间重算作业改变了自动结果。"),
    )
    value = models.JSONField(_("调整后取值"), encoder=DjangoJSONEncoder)
    reason = models.TextField(_("调整原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被新调整取代时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人工调整")
        verbose_name_plural = _("人工调整")
        ordering = ["-month", "partner__code", "kind", "item", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=NATURAL_KEY,
                condition=models.Q(superseded_at__isnull=True) & ~models.Q(status=ApprovalStatus.APPROVED),
                name="%(app_label)s_%(class)s_one_pending_per_decision",
            ),
        ]
        indexes = [models.Index(fields=["kind", "month"], name="overrides_kind_month_idx")]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        typ = f" · {self.get_cooperation_type_display()}" if self.cooperation_type else ""
        item = item_label(self.kind, self.item)
        return f"{self.partner.code} {self.partner.name}{typ} · {self.month:%Y-%m} · {kind} {item}"

    @property
    def approver_role(self) -> str:  # type: ignore[override]
        return APPROVER_ROLES[self.kind]

    @property
    def approval_rule_id(self) -> str:  # type: ignore[override]
        return APPROVAL_RULES[self.kind]

    @property
    def in_force(self) -> bool:
        return self.status == ApprovalStatus.APPROVED and self.superseded_at is None

    @property
    def natural_key(self) -> tuple:
        return (self.partner_id, self.cooperation_type, self.month, self.item)

    @property
    def automatic_moved(self) -> bool:
        return self.automatic_moved_at is not None
