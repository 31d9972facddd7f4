"""Add every number of RULES.md §8 (mobile newspaper, R-N-*) to every existing rule set, each with its rule id.

Entries marked assumed (假定) are readings where seed 003 is silent (its copy ends in chapter 5: the detailed
scoring of chapter 9 is missing); an operator confirms or changes them as a new rule-set version.
Keys already present in a set are left as they are (a set may have been edited by staff).
"""

from django.db import migrations


def num(value):
    return {"value": value}


CATEGORIES = ["current_news", "finance", "culture_entertainment", "lifestyle", "sports", "games_animation", "legal",
              "military", "education", "literature", "science_technology", "brand_special"]

REQUIRED_DOCUMENTS = [
    # 第10条: news papers — every partner holds an Internet News Information Service licence
    {"group": "news", "relation": "media", "documents": ["news_licence"], "clause": "第10条1(2)、2(1)"},
    {"group": "news", "relation": "subsidiary", "documents": ["news_licence@parent", "subsidiary_proof"],
     "clause": "第10条2(2)"},
    {"group": "news", "relation": "third_party", "documents": ["news_licence", "content_authorisation"],
     "clause": "第10条2(3)"},
    # 第11条: film, medical, education, finance, military papers — the sector regulator's licence; a company other
    # than the media itself (a subsidiary is one, 第10条2(2)) also a ≥3-year content authorisation
    {"group": "sector", "relation": "media", "documents": ["sector_licence"], "clause": "第11条1"},
    {"group": "sector", "relation": "subsidiary", "documents": ["sector_licence", "content_authorisation"],
     "clause": "第11条2"},
    {"group": "sector", "relation": "third_party", "documents": ["sector_licence", "content_authorisation"],
     "clause": "第11条2"},
    # 第12条: other papers — companies other than the media need a ≥3-year content authorisation
    {"group": "other", "relation": "media", "documents": [], "clause": "第12条"},
    {"group": "other", "relation": "subsidiary", "documents": ["content_authorisation"], "clause": "第12条"},
    {"group": "other", "relation": "third_party", "documents": ["content_authorisation"], "clause": "第12条"},
]

LAUNCH_STAGES = [
    {"stage": 1, "name": "需求受理和评估", "document": "新产品需求评估意见（总部数据部）"},
    {"stage": 2, "name": "产品设计", "document": "手机报产品设计书"},
    {"stage": 3, "name": "产品开发初审", "document": "总部产品设计书审核意见及运营流程"},
    {"stage": 4, "name": "产品测试", "document": "测试打分表及测试总结"},
    {"stage": 5, "name": "产品上线审批", "document": "总部上线审批意见"},
    {"stage": 6, "name": "正式上线运营", "document": "计费局数据"},
]

BREACH_CLASSES = [
    {"breach_class": 1, "description": "内容严重违法或危害国家信息安全；未经许可在产品中加入第三方广告"},
    {"breach_class": 2, "description": "内容严重违反内容管理要求（第16–18、20–24条）或营销要求（第29条第8项）；推广中其他损害中国移动利益"},
    {"breach_class": 3, "description": "产品名称错误或内容标题严重错误；内容严重影响用户感知；违反第29条第8项、第30条"},
    {"breach_class": 4, "description": "未经批准未按规定时间和频率发送；违反客服要求第35–36条"},
    {"breach_class": 5, "description": "内容不准确或语法、用词、标点错误；违反客服要求第34、37、38条"},
]

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("newspaper_categories", "R-N-PRODUCT", "list", {"items": CATEGORIES}, "",
     "手机报产品内容分类（12类）", "第9条", False),
    ("newspaper_editing_modes", "R-N-PRODUCT", "list", {"items": ["reprint", "central"]}, "",
     "按内容编辑方式分为转载类、集中发行类", "第8条", False),
    ("newspaper_local_rulebook", "R-N-LOCAL", "text", {"value": "《地方手机报接入全网运营实施细则V2.0》"}, "",
     "地方手机报接入全网运营以各省自愿为原则，按另行的实施细则管理，不走全国手机报上线流程", "第4条、第15条", False),
    ("newspaper_news_categories", "R-N-QUAL", "list", {"items": ["current_news"]}, "",
     "适用第10条“新闻类合作伙伴”资质要求（互联网新闻信息服务许可证）的内容类别：时事新闻类", "第9条1、第10条", True),
    ("newspaper_sector_categories", "R-N-QUAL", "table", {
        "columns": {"category": "text", "regulators": "list"},
        "rows": [
            {"category": "finance", "regulators": ["csrc"]},
            {"category": "military", "regulators": ["other_regulator"]},
            {"category": "education", "regulators": ["education"]},
            {"category": "culture_entertainment", "regulators": ["sarft"]},
        ]},
     "", "须行业主管部门许可证的类别：财经（证监会）、军事、教育（教育部门）、影视归入文娱类（广电）；医疗卫生在12类中"
     "无对应类别", "第11条", True),
    ("newspaper_required_documents", "R-N-QUAL", "table", {
        "columns": {"group": "text", "relation": "text", "documents": "list", "clause": "text"},
        "rows": REQUIRED_DOCUMENTS},
     "", "按合作伙伴与媒体的关系及内容类别所需的资质文件（下属公司按第10条2(2)属“报社以外的第三方公司”，"
     "第11、12条下同样需三年以上内容授权）", "第10–12条", True),
    ("newspaper_authorisation_min_term", "R-N-QUAL", "duration", {"value": 3, "unit": "years"}, "",
     "内容授权证明的授权期限须在三年以上（含三年，按授权总期限计，末日包含在内）", "第10条2(3)、第11条2、第12条", False),
    ("newspaper_reprint_media_only", "R-N-QUAL", "flag", num(False), "",
     "转载类内容合作伙伴“原则上”应直接为报社、杂志社或旗下网站：关闭时仅提示，开启时作为资质不符", "第10条1(1)", True),
    ("newspaper_document_expiry_warning_days", "R-N-QUAL", "list", {"items": [30, 60, 90]}, "天",
     "资质证照到期预警档位：每日检查在此天数内到期的证照（原文未规定有效期管理）", "RULES.md R-N-QUAL", True),
    ("newspaper_qualification_stages", "R-N-QUAL", "list", {"items": [2, 6]}, "阶段",
     "须资质齐全且有效方可登记的上线阶段：产品设计（按第三章洽谈合作伙伴）与正式上线", "第14条2、6", True),
    ("newspaper_launch_stages", "R-N-LAUNCH", "table", {
        "columns": {"stage": "number", "name": "text", "document": "text"}, "rows": LAUNCH_STAGES},
     "", "全国手机报新产品上线六个阶段及各阶段所需文件", "第14条", False),
    ("newspaper_design_fields", "R-N-LAUNCH", "table", {
        "columns": {"editing_mode": "text", "fields": "list"},
        "rows": [
            {"editing_mode": "reprint",
             "fields": ["name", "content", "delivery_format", "frequency", "suggested_price"]},
            {"editing_mode": "central",
             "fields": ["name", "sections", "content", "demo", "delivery_format", "frequency", "suggested_price"]},
        ]},
     "", "产品设计书内容：转载类含名称、内容、发送形式、频率和建议价格；集中发行类另含版块设计和demo产品", "第14条2",
     False),
    ("newspaper_test_days", "R-N-LAUNCH", "number", num(7), "天", "测试产品连续下发天数", "第14条4(1)", False),
    ("newspaper_test_max_score", "R-N-LAUNCH", "number", num(30), "分", "测试打分满分", "第14条4(2)", False),
    ("newspaper_test_score_window_days", "R-N-LAUNCH", "number", num(2), "天",
     "测试人员于测试结束后此天数内反馈评分（最后一天之后第1、2天按时，第3天起逾期）", "第14条4(2)", False),
    ("newspaper_test_late_scores_counted", "R-N-LAUNCH", "flag", num(False), "",
     "逾期评分是否计入测试得分（逾期评分一律标记）", "第14条4(2)", True),
    ("newspaper_test_summary_due_days", "R-N-LAUNCH", "number", num(5), "天",
     "运营支撑单位于测试结束后此天数内形成测试总结（逾期标记，不阻止审批）", "第14条4(3)", False),
    ("newspaper_test_score_method", "R-N-LAUNCH", "text", num("average"), "",
     "产品测试得分 = 计入的测试人员评分的平均分（RULES.md 解释）", "第14条4(3)", True),
    ("newspaper_test_decision_brackets", "R-N-LAUNCH", "brackets",
     {"thresholds": [18, 25], "points": ["reject", "adjust", "pass"], "closed": "left"}, "分",
     "测试得分≥25（含25）通过；≥18（含18）且<25 调整后重新执行上线流程；<18 退回不予接入", "第14条4(3)①②③", False),
    ("newspaper_reject_reapply_after", "R-N-LAUNCH", "duration", {"value": 3, "unit": "months"}, "",
     "产品退回后满此期限，同一合作伙伴方可就同名产品重新提出合作申请", "第14条4(3)③", False),
    ("newspaper_adjust_restart_stage", "R-N-LAUNCH", "number", num(1), "阶段",
     "测试需调整的产品重新执行上线流程的起始阶段（1 = 从需求受理重新开始）", "第14条4(3)②", True),
    ("newspaper_breach_classes", "R-N-VIOLATION", "table", {
        "columns": {"breach_class": "number", "description": "text"}, "rows": BREACH_CLASSES},
     "", "产品违约分为五类（第九章第一节，据公开副本）", "第九章第一节", False),
    ("newspaper_score_first_year", "R-N-SCORE", "number", num(100), "分",
     "产品首年初始运营分（原文缺失）", "第九章第二节", True),
    ("newspaper_score_initial_base", "R-N-SCORE", "number", num(50), "分",
     "初始运营分 = 50 + 上年末运营分 / N 的常数部分", "第九章第二节", False),
    ("newspaper_score_previous_divisor", "R-N-SCORE", "number", num(2), "",
     "初始运营分公式中上年末运营分的除数（原文残缺）", "第九章第二节", True),
    ("newspaper_breach_deductions", "R-N-SCORE", "table", {
        "columns": {"breach_class": "number", "points": "number"},
        "rows": [{"breach_class": 1, "points": 50}, {"breach_class": 2, "points": 20},
                 {"breach_class": 3, "points": 10}, {"breach_class": 4, "points": 5},
                 {"breach_class": 5, "points": 2}]},
     "分", "每次经审批的违约按类别扣分（原文第九章第四节缺失）", "第九章第四节", True),
    ("newspaper_score_floor", "R-N-SCORE", "number", num(0), "分", "运营分最低为此值", "第九章第二节", True),
    ("newspaper_score_thresholds", "R-N-SCORE", "brackets",
     {"thresholds": [40, 60], "points": ["exit", "warning", "none"], "closed": "left"}, "分",
     "运营分低于60警告、低于40退出（经审批；退出产品移出《全国手机报产品目录》）", "第九章第三节", True),
]


def add_entries(apps, schema_editor):
    RuleSet = apps.get_model("scoring", "RuleSet")
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    new = []
    for rule_set in RuleSet.objects.all():
        present = set(RuleEntry.objects.filter(rule_set=rule_set).values_list("key", flat=True))
        new += [
            RuleEntry(rule_set=rule_set, key=key, rule_id=rule_id, kind=kind, value=value, unit=unit,
                      description=description, source=source, assumed=assumed)
            for key, rule_id, kind, value, unit, description, source, assumed in ENTRIES
            if key not in present
        ]
    RuleEntry.objects.bulk_create(new)


def remove_entries(apps, schema_editor):
    apps.get_model("scoring", "RuleEntry").objects.filter(
        key__in=[entry[0] for entry in ENTRIES], rule_set__locked=False
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
