"""Excel export of settlement statements: one sheet per month, Chinese headers, a totals row (exact sums)."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.months import format_month

from .models import SettlementStatement

MONEY_FORMAT = "#,##0.00"

# (header, attribute or callable, is_money)
COLUMNS = [
    ("合作方编码", lambda s: s.partner.code, False),
    ("合作方名称", lambda s: s.partner.name, False),
    ("合作类型", lambda s: s.get_cooperation_type_display(), False),
    ("合同开始日期", lambda s: s.contract.start_date.isoformat(), False),
    ("结算月份", lambda s: format_month(s.month), False),
    ("信息费收入（元）", "revenue", True),
    ("分成比例", lambda s: s.revenue_share, False),
    ("应结算额（元）", "payable", True),
    ("预警级别", "warning_level", False),
    ("预警结算比例（%）", lambda s: s.warning_percent, False),
    ("预警后结算额（元）", "settled", True),
    ("额外扣减（元）", "extra_deductions", True),
    ("收入核减（元）", "write_downs", True),
    ("调整（元）", "adjustments", True),
    ("上期结转（元）", "brought_forward", True),
    ("跨合同冲抵（元）", "offsets", True),
    ("释放暂扣（元）", "released", True),
    ("期末暂扣余额（元）", "held_balance", True),
    ("停止结算金额（元）", "stopped_amount", True),
    ("本期应付（元）", "amount_due", True),
    ("结转下期（元）", "carried_forward", True),
    ("信用处罚暂扣", lambda s: "是" if s.on_hold else "", False),
    ("重大违规停止结算", lambda s: "是" if s.stopped else "", False),
    ("审批状态", lambda s: s.get_status_display(), False),
    ("规则集版本", lambda s: s.rule_set.version, False),
    ("计算明细（规则编号）", lambda s: "；".join(f"{i['rule']} {i['points']} {i['detail']}" for i in s.items), False),
]


def _value(statement, getter):
    return getter(statement) if callable(getter) else getattr(statement, getter)


def statements_workbook(statements: Iterable[SettlementStatement]) -> bytes:
    by_month: dict = defaultdict(list)
    for statement in statements:
        by_month[statement.month].append(statement)
    workbook = Workbook()
    workbook.remove(workbook.active)
    if not by_month:
        workbook.create_sheet("无数据").append(["没有符合条件的结算单"])
    for month in sorted(by_month):
        sheet = workbook.create_sheet(format_month(month))
        sheet.append([header for header, _, _ in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        totals = [Decimal("0.00") if is_money else None for _, _, is_money in COLUMNS]
        for statement in by_month[month]:
            row = []
            for index, (_, getter, is_money) in enumerate(COLUMNS):
                value = _value(statement, getter)
                if is_money:
                    totals[index] += value
                row.append(value)
            sheet.append(row)
        sheet.append(["合计", *[t if t is not None else "" for t in totals[1:]]])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for index, (_, _, is_money) in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 16
            if is_money:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = MONEY_FORMAT
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(months) -> str:
    months = sorted({format_month(m) for m in months})
    if not months:
        return "settlements.xlsx"
    return f"settlements_{months[0]}.xlsx" if len(months) == 1 else f"settlements_{months[0]}_{months[-1]}.xlsx"
