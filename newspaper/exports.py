"""Excel exports: the national product catalogue and test results (openpyxl)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .models import NewspaperProduct, ProductTest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalogue_workbook(products: Iterable[NewspaperProduct]) -> bytes:
    return _workbook("全国手机报产品目录", [
        "合作方编码", "合作方", "产品名称", "编辑方式", "内容类别", "发送形式", "发送频率", "建议价格（元/月）", "状态",
        "列入目录日期",
    ], ([p.partner.code, p.partner.name, p.name, p.get_editing_mode_display(), p.get_category_display(),
         p.get_delivery_format_display(), p.frequency, p.suggested_price, p.get_status_display(), p.listed_on]
        for p in products))


def product_test_results_workbook(tests: Iterable[ProductTest]) -> bytes:
    rows = []
    for test in tests:
        base = [test.product.partner.code, test.product.name, test.launch_round, test.start_date, test.end_date,
                test.average, test.get_decision_display(), test.get_status_display()]
        scores = list(test.scores.all())
        if not scores:
            rows.append([*base, "", "", "", "", ""])
        for score in scores:
            rows.append([*base, score.tester, score.score, score.scored_on, "是" if score.late else "否",
                         "是" if score.counted else "否"])
    return _workbook("产品测试结果", [
        "合作方编码", "产品名称", "轮次", "测试开始", "测试最后一天", "测试得分（平均）", "测试结论", "审批状态",
        "测试人员", "评分", "评分日期", "逾期", "计入平均分",
    ], rows)
