"""Excel export of overrides (admin and API): the decision, the automatic value then and now, the new value, who,
when, why and the approval state."""

from django.utils.translation import gettext as _

from core.exports import Column, Exporter, model_columns

from .models import DecisionOverride
from .registry import describe, item_label


def override_columns(overrides_of) -> list[Column]:
    """The columns a decision's own export appends: ``overrides_of(row)`` → the overrides in force on the row."""

    def joined(read):
        return lambda row: "；".join(str(read(o)) for o in overrides_of(row))

    return [
        Column(_("人工调整"), lambda row: _("是") if overrides_of(row) else ""),
        Column(_("调整内容"), joined(lambda o: _("%(item)s %(old)s → %(new)s") % {
            "item": item_label(o.kind, o.item), "old": describe(o.kind, o.automatic_value),
            "new": describe(o.kind, o.value)})),
        Column(_("调整原因"), joined(lambda o: o.reason)),
        Column(_("调整人"), joined(lambda o: o.created_by.username)),
        Column(_("调整审批人"), joined(lambda o: o.approved_by.username if o.approved_by_id else "")),
        Column(_("调整后自动结果已变动"), lambda row: _("是") if any(o.automatic_moved for o in overrides_of(row))
               else ""),
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
