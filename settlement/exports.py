"""Excel export of settlement statements: one sheet per month, Chinese headers, a totals row (exact sums).

Written by the shared exporter (``core.exports``); this module only says which columns and how to group.
"""

from django.utils.translation import gettext as _

from core.exports import Column, Exporter, month_span_filename
from core.months import format_month


def _columns() -> list[Column]:
    return [
        Column(_("合作方编码"), lambda s: s.partner.code),
        Column(_("合作方名称"), lambda s: s.partner.name),
        Column(_("合作类型"), lambda s: s.get_cooperation_type_display()),
        Column(_("合同开始日期"), lambda s: s.contract.start_date.isoformat()),
        Column(_("结算月份"), lambda s: format_month(s.month)),
        Column(_("信息费收入（元）"), lambda s: s.revenue, money=True),
        Column(_("分成比例"), lambda s: s.revenue_share),
        Column(_("应结算额（元）"), lambda s: s.payable, money=True),
        Column(_("预警级别"), lambda s: s.warning_level),
        Column(_("预警结算比例（%）"), lambda s: s.warning_percent),
        Column(_("预警后结算额（元）"), lambda s: s.settled, money=True),
        Column(_("额外扣减（元）"), lambda s: s.extra_deductions, money=True),
        Column(_("收入核减（元）"), lambda s: s.write_downs, money=True),
        Column(_("调整（元）"), lambda s: s.adjustments, money=True),
        Column(_("上期结转（元）"), lambda s: s.brought_forward, money=True),
        Column(_("跨合同冲抵（元）"), lambda s: s.offsets, money=True),
        Column(_("释放暂扣（元）"), lambda s: s.released, money=True),
        Column(_("期末暂扣余额（元）"), lambda s: s.held_balance, money=True),
        Column(_("停止结算金额（元）"), lambda s: s.stopped_amount, money=True),
        Column(_("本期应付（元）"), lambda s: s.amount_due, money=True),
        Column(_("结转下期（元）"), lambda s: s.carried_forward, money=True),
        Column(_("信用处罚暂扣"), lambda s: _("是") if s.on_hold else ""),
        Column(_("重大违规停止结算"), lambda s: _("是") if s.stopped else ""),
        Column(_("审批状态"), lambda s: s.get_status_display()),
        Column(_("规则集版本"), lambda s: s.rule_set.version),
        Column(_("计算明细（规则编号）"),
               lambda s: "；".join(f"{i['rule']} {i['points']} {i['detail']}" for i in s.items)),
    ]


class SettlementStatementExporter(Exporter):
    month_sheets = True
    totals = True
    items_sheet = False
    ordering = ("month", "partner__code", "cooperation_type", "contract_id")

    def columns(self) -> list[Column]:
        return _columns()

    def filename(self, rows) -> str:
        return month_span_filename("settlements", (r.month for r in rows))
