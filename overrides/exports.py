"""Excel export of overrides (admin and API): the decision, the automatic value then and now, the new value, who,
when, why and the approval state."""

from django.utils.translation import gettext as _

from core.exports import Column, Exporter, model_columns

from .models import DecisionOverride
from .registry import describe


def override_columns(prefix: str = "") -> list[Column]:
    """The override columns a decision's own export appends (``row.override_in_force``: the override or None)."""

    def get(row):
        return getattr(row, "override_in_force", None)

    def text(read):
        return lambda row: read(get(row)) if get(row) is not None else ""

    return [
        Column(prefix + _("人工调整"), lambda row: _("是") if get(row) is not None else ""),
        Column(prefix + _("调整后取值"), text(lambda o: describe(o.kind, o.value))),
        Column(prefix + _("调整原因"), text(lambda o: o.reason)),
        Column(prefix + _("调整人"), text(lambda o: o.created_by.username)),
        Column(prefix + _("调整审批人"), text(lambda o: o.approved_by.username if o.approved_by_id else "")),
        Column(prefix + _("调整审批时间"), lambda row: get(row).approved_at if get(row) is not None else None),
        Column(prefix + _("自动结果已变动"), text(lambda o: _("是") if o.automatic_moved else "")),
    ]


class DecisionOverrideExporter(Exporter):
    items_sheet = False
    ordering = ("month", "partner__code", "kind", "item", "created_at")

    def columns(self) -> list[Column]:
        base = model_columns(DecisionOverride, fields=["id", "kind", "partner", "cooperation_type", "month", "item"])
        return [
            *base,
            Column(_("调整时的自动结果"), lambda o: describe(o.kind, o.automatic_value)),
            Column(_("最近一次计算的自动结果"), lambda o: describe(o.kind, o.automatic_current)),
            Column(_("自动结果变动时间"), lambda o: o.automatic_moved_at),
            Column(_("调整后取值"), lambda o: describe(o.kind, o.value)),
            Column(_("调整原因"), lambda o: o.reason),
            Column(_("调整人"), lambda o: o.created_by.username),
            Column(_("录入时间"), lambda o: o.created_at),
            Column(_("审批状态"), lambda o: o.get_status_display()),
            Column(_("审批人"), lambda o: o.approved_by.username if o.approved_by_id else ""),
            Column(_("审批时间"), lambda o: o.approved_at),
            Column(_("生效中"), lambda o: _("是") if o.in_force else _("否")),
        ]
