"""The admin sidebar, grouped by the rhythm of the work (日常 / 月度 / 按需 / 系统); an entry shows only to those
who may view its list. Models of apps added later appear under "所有应用" until they are placed here."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (group title, [(title, icon, "app_label.model_name")])
GROUPS = [
    (_("日常"), [
        (_("投诉工单"), "support_agent", "partners.complaintticket"),
        (_("每日通报"), "campaign", "scoring.dailynotification"),
        (_("月度预警"), "warning", "scoring.monthlywarning"),
        (_("管控事件"), "gavel", "controls.controlevent"),
        (_("管控措施"), "rule", "controls.controlmeasure"),
        (_("限制措施登记"), "block", "enforcement.restriction"),
        (_("导入记录"), "upload_file", "partners.importrun"),
    ]),
    (_("月度"), [
        (_("月度考核"), "grading", "scoring.monthlyassessment"),
        (_("处罚建议"), "report", "scoring.penaltyproposal"),
        (_("信用积分"), "credit_score", "credit.monthlycreditscore"),
        (_("信用处罚"), "policy", "credit.creditsanction"),
        (_("人工调整"), "edit", "overrides.decisionoverride"),
        (_("结算单"), "receipt_long", "settlement.settlementstatement"),
        (_("月度收入"), "payments", "partners.monthlyrevenue"),
        (_("月度贡献"), "volunteer_activism", "partners.monthlycontribution"),
        (_("人工评分项"), "edit_note", "credit.manualitemscore"),
        (_("核减"), "remove_circle", "settlement.writedown"),
        (_("额外扣减"), "money_off", "settlement.extradeduction"),
        (_("负数冲抵决定"), "swap_horiz", "settlement.negativeoffsetdecision"),
        (_("结算调整"), "tune", "settlement.settlementadjustment"),
        (_("代码月度统计"), "query_stats", "codes.codemonthlystat"),
    ]),
    (_("按需"), [
        (_("合作方"), "apartment", "partners.partner"),
        (_("合作合同"), "description", "partners.contract"),
        (_("子渠道"), "account_tree", "partners.subchannel"),
        (_("关联公司组"), "groups", "partners.relatedgroup"),
        (_("额外处罚"), "priority_high", "controls.extrapenalty"),
        (_("重大违规"), "dangerous", "credit.majorviolation"),
        (_("公司重要性材料"), "verified", "credit.companyimportanceevidence"),
        (_("业务代码"), "qr_code", "codes.businesscode"),
        (_("代码申请"), "post_add", "codes.codeapplication"),
        (_("申请批次"), "inventory_2", "codes.codebatch"),
        (_("代码变更"), "change_circle", "codes.codechangerequest"),
        (_("代码回收"), "recycling", "codes.coderecyclingproposal"),
        (_("合作方退出"), "logout", "codes.partnerexit"),
        (_("内部单位"), "corporate_fare", "codes.internalunit"),
        (_("合作方账号"), "badge", "partners.partnermembership"),
    ]),
    (_("系统"), [
        (_("规则集"), "menu_book", "scoring.ruleset"),
        (_("作业运行"), "schedule", "core.jobrun"),
        (_("审计记录"), "history", "core.auditevent"),
        (_("工作日历"), "calendar_month", "credit.calendaroverride"),
        (_("用户"), "person", "auth.user"),
        (_("角色组"), "shield_person", "auth.group"),
    ]),
]


def _can_view(label: str):
    app_label, model_name = label.split(".")
    return lambda request: request.user.has_perm(f"{app_label}.view_{model_name}")


def _item(title, icon, label: str) -> dict | None:
    app_label, model_name = label.split(".")
    try:
        link = reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:  # an app not installed here
        return None
    return {"title": title, "icon": icon, "link": link, "permission": _can_view(label)}


def sidebar_navigation(request) -> list[dict]:
    work = [
        {"title": _("首页"), "icon": "dashboard", "link": reverse("admin:index")},
        {"title": _("待我审批"), "icon": "approval", "link": reverse("approval-inbox"),
         # a number, not the theme's callback path: the theme shows a callback's None as "NONE"; 0 hides the badge
         "badge": inbox_badge(request)},
    ]
    groups = [{"title": _("工作台"), "separator": False, "items": work}]
    for title, items in GROUPS:
        entries = [entry for entry in (_item(*item) for item in items) if entry is not None]
        groups.append({"title": title, "separator": True, "collapsible": True, "items": entries})
    return groups


def inbox_badge(request) -> int:
    from .selectors import inbox_count

    return inbox_count(user=request.user)
