"""Create rule set v1 with every number of RULES.md §1–§5 (and §7's re-entry ban), each tagged with its rule id."""

import datetime as dt

from django.db import migrations

LEFT, RIGHT = "left", "right"


def num(value):
    return {"value": value}


def dur(value, unit, scope=None):
    out = {"value": value, "unit": unit}
    if scope:
        out["scope"] = scope
    return out


# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    # §1 Monthly assessment
    ("total_min", "R-M-TOTAL", "number", num(0), "分", "月度考核总分下限", "第二章第二节", False),
    ("total_max", "R-M-TOTAL", "number", num(100), "分", "月度考核总分上限", "第二章第二节", False),
    ("revenue_score_brackets", "R-M-REV", "brackets",
     {"thresholds": [100000, 300000, 1000000, 2000000, 3000000], "points": [0, 10, 20, 30, 40, 50], "closed": LEFT},
     "元", "收入规模得分：≥300万 50；[200,300)万 40；[100,200)万 30；[30,100)万 20；[10,30)万 10；<10万 0",
     "第二章第二节 收入规模", False),
    ("revenue_score_max", "R-M-INCUB", "number", num(50), "分", "培育期收入得分（满分）", "第二章第二节 培育期", False),
    ("incubation_months", "R-M-INCUB", "number", num(6), "月", "培育期月数（自合同开始月起，含当月）",
     "第二章第二节 培育期", False),
    ("incubation_reintroduction_gap_months", "R-M-INCUB", "number", num(12), "月",
     "重新引入且过去N个月无同类合作的，可享培育期", "第二章第二节 培育期", False),
    ("health_ratio_brackets", "R-M-HEALTH", "brackets",
     {"thresholds": [1, 2, 3, 4, 5], "points": [50, 40, 30, 20, 10, 0], "closed": RIGHT},
     "件/万元", "健康度得分：质万比 ≤1 50；(1,2] 40；(2,3] 30；(3,4] 20；(4,5] 10；>5 0", "第二章第二节 健康度", False),
    ("health_ratio_revenue_unit", "R-M-HEALTH", "money", num(10000), "元", "质万比的收入单位（每万元）",
     "第二章第二节 健康度", False),
    ("health_revenue_floor", "R-M-HEALTH", "money", num(10000), "元", "收入低于1万元按1万元计算",
     "第二章第二节 健康度", False),
    ("bonus_cap", "R-M-BONUS", "number", num(50), "分", "综合贡献加分上限", "第二章第二节 综合贡献", False),
    ("bonus_marketing_points", "R-M-BONUS", "number", num(10), "分", "提供咪咕重点营销资源（经总监或专题会认定）",
     "第二章第二节 综合贡献", False),
    ("bonus_cash_brackets", "R-M-BONUS", "brackets",
     {"thresholds": [80000, 200000, 400000, 600000, 1000000, 2000000], "points": [0, 5, 10, 15, 20, 30, 50],
      "closed": LEFT},
     "元", "带来现金收入：≥8万 5；≥20万 10；≥40万 15；≥60万 20；≥100万 30；≥200万 50", "第二章第二节 综合贡献", False),
    ("bonus_active_users_brackets", "R-M-BONUS", "brackets",
     {"thresholds": [100000, 200000, 400000, 600000, 800000, 1000000], "points": [0, 10, 15, 20, 30, 40, 50],
      "closed": LEFT},
     "人", "带来客户端活跃用户：≥10万 10；≥20万 15；≥40万 20；≥60万 30；≥80万 40；≥100万 50",
     "第二章第二节 综合贡献", False),
    ("bonus_no_double_count", "R-M-NODOUBLE", "flag", num(True), "",
     "营销资源含客户端推广资源时，营销资源与活跃用户两项只计较高一项", "第二章第二节 综合贡献", False),
    ("ads_count_as_cash", "R-M-ADS", "flag", num(True), "", "销售渠道的咪咕广告销售额计入现金收入贡献",
     "第二章第二节 综合贡献", False),
    ("deduction_per_late_or_quality_ticket", "R-M-DED", "number", num(1), "分/件", "工单处理超时或质量不达标每件扣分",
     "第二章第二节 扣分项", False),
    ("deduction_per_upgraded_complaint", "R-M-DED", "number", num(10), "分/件",
     "工信部/通管局/其他国家监管机构认定的升级投诉每件扣分", "第二章第二节 扣分项", False),
    # §2 Daily operations
    ("notify_threshold", "R-D-NOTIFY", "number", num(25), "件/日", "单日不知情订购投诉达到此数量通报1次",
     "第二章第三节", False),
    ("notify_step", "R-D-NOTIFY", "number", num(10), "件", "超过阈值后每增加此数量再通报1次", "第二章第三节", False),
    ("warning_levels", "R-D-WARN", "table", {
        "columns": {"level": "number", "min_notifications": "threshold", "promotion_suspension": "duration",
                    "code_application_suspension": "duration", "payout_percent": "percent"},
        "rows": [
            {"level": 1, "min_notifications": 5, "promotion_suspension": dur(1, "weeks"),
             "code_application_suspension": dur(1, "months"), "payout_percent": 75},
            {"level": 2, "min_notifications": 10, "promotion_suspension": dur(1, "months"),
             "code_application_suspension": dur(2, "months"), "payout_percent": 50},
            {"level": 3, "min_notifications": 15, "promotion_suspension": dur(3, "months"),
             "code_application_suspension": dur(3, "months"), "payout_percent": 25},
            {"level": 4, "min_notifications": 20, "promotion_suspension": dur(6, "months"),
             "code_application_suspension": dur(4, "months"), "payout_percent": 0},
        ]},
     "", "月累计通报次数对应的预警级别、暂停推广、暂停新代码申请与结算比例", "第二章第三节 预警", False),
    # §3 Control rules (appendices 1–4); scope "event" = the event's province if it has one, else national
    ("control_provincial_important", "R-C-PROV", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "duration"},
        "rows": [{"measure": "business_suspension", "scope": "province", "duration": dur(1, "months")}]},
     "", "省公司重要投诉：暂停该省业务推广≥1个月（或按省公司要求）", "附件1", False),
    ("control_supervised_provincial", "R-C-SUPV-PROV", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "duration"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "province", "duration": dur(3, "months")},
                 {"measure": "business_suspension", "scope": "province", "duration": dur(1, "months")}]},
     "", "省公司/工信部/通管局/地方监管重点督办投诉：子渠道该省关停3个月，业务该省暂停1个月", "附件2", False),
    ("control_supervised_national", "R-C-SUPV-NAT", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "duration"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "national", "duration": dur(4, "months")},
                 {"measure": "business_suspension", "scope": "national", "duration": dur(1, "months")}]},
     "", "上级单位或国家监管重点督办、央媒曝光：子渠道全国关停4个月，业务全国暂停1个月", "附件2", False),
    ("control_dial_provincial", "R-C-DIAL-PROV", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "optional_duration", "count": "optional_number"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "province", "duration": dur(3, "months")},
                 {"measure": "business_warning", "scope": "business", "count": 1}]},
     "", "省公司拨测：子渠道该省关停3个月，业务警告1次", "附件3", False),
    ("control_dial_group", "R-C-DIAL-GROUP", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "optional_duration", "count": "optional_number"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "national", "duration": dur(3, "months")},
                 {"measure": "business_warning", "scope": "business", "count": 1}]},
     "", "集团/咪咕文化风控或拨测：子渠道全国关停3个月，业务警告1次", "附件3", False),
    ("control_dial_miit", "R-C-DIAL-REG", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "duration"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "national", "duration": dur(3, "months")},
                 {"measure": "business_suspension", "scope": "national", "duration": dur(15, "days")}]},
     "", "工信部拨测：子渠道全国关停3个月，业务全国暂停15天", "附件3", False),
    ("control_dial_comm_admin", "R-C-DIAL-REG", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "duration"},
        "rows": [{"measure": "subchannel_shutdown", "scope": "province", "duration": dur(3, "months")},
                 {"measure": "business_suspension", "scope": "province", "duration": dur(15, "days")}]},
     "", "通管局拨测：子渠道该省关停3个月，业务该省暂停15天", "附件3", False),
    ("control_group_notice", "R-C-NOTICE", "table", {
        "columns": {"measure": "text", "scope": "text", "duration": "optional_duration", "count": "optional_number"},
        "rows": [{"measure": "business_suspension", "scope": "event", "duration": dur(1, "months")},
                 {"measure": "business_warning", "scope": "business", "count": 1}]},
     "", "集团/咪咕文化投诉通报：业务暂停1个月（涉及单省则仅该省），业务警告1次", "附件4", False),
    ("warning_escalation", "R-C-WARN-ESC", "table", {
        "columns": {"warnings": "threshold", "scope": "text", "duration": "duration"},
        "rows": [{"warnings": 3, "scope": "business", "duration": dur(15, "days")},
                 {"warnings": 4, "scope": "business", "duration": dur(1, "months")},
                 {"warnings": 5, "scope": "all_business", "duration": dur(1, "months")}]},
     "", "当月业务警告：超过2次暂停业务15天；4次暂停1个月；5次暂停全部业务≥1个月", "附件1-4", False),
    ("subchannel_repeat_extension", "R-C-WARN-ESC", "duration", dur(1, "months"), "",
     "同一子渠道当月再次被管控，每次关停期延长", "附件1-4", False),
    # §4 Credit score
    ("credit_score_max", "R-K-RANGE", "number", num(1000), "分", "信用积分上限", "第三章", False),
    ("credit_grade_brackets", "R-K-RANGE", "brackets",
     {"thresholds": [150, 300, 450, 600, 800], "points": ["F", "E", "D", "C", "B", "A"], "closed": LEFT},
     "分", "等级：800–1000 A；600–<800 B；450–<600 C；300–<450 D；150–<300 E；0<–<150 F", "第三章 附件6", False),
    ("credit_terminate_at_or_below", "R-K-RANGE", "number", num(0), "分", "积分≤此值终止合作并关联处罚",
     "第三章 附件6", False),
    ("credit_grade_sanctions", "R-K-RANGE", "table", {
        "columns": {"grade": "text", "sanctions": "list"},
        "rows": [
            {"grade": "A", "sanctions": []},
            {"grade": "B", "sanctions": []},
            {"grade": "C", "sanctions": ["no_new_codes", "no_new_products", "no_new_cooperation_types"]},
            {"grade": "D", "sanctions": ["no_new_codes", "no_new_products", "no_new_cooperation_types",
                                         "suspend_billing_or_promotion"]},
            {"grade": "E", "sanctions": ["no_new_codes", "no_new_products", "no_new_cooperation_types",
                                         "suspend_billing_or_promotion", "suspend_settlement"]},
            {"grade": "F", "sanctions": ["no_new_codes", "no_new_products", "no_new_cooperation_types",
                                         "suspend_billing_or_promotion", "suspend_settlement", "suspend_all_sales"]},
        ]},
     "", "各等级累计处罚措施", "第三章 附件6", False),
    ("credit_month_weights", "R-K-WEIGHTED", "weights", {"weights": [0.5, 0.3, 0.2]}, "",
     "当月、上月、前月月度积分权重（不足时按已有月份归一化）", "第三章（母公司规则，假定）", True),
    ("credit_items", "R-K-COMPOSE", "table", {
        "columns": {"item": "text", "name": "text", "rule": "text", "weight_ordinary": "number",
                    "weight_core": "number", "assumed": "text"},
        "rows": [
            {"item": "base_standard", "name": "基础标准项（母公司规则）", "rule": "R-K-COMPOSE",
             "weight_ordinary": 0.6, "weight_core": 0.5, "assumed": "yes"},
            {"item": "health", "name": "健康度", "rule": "R-K-HEALTH",
             "weight_ordinary": 0.25, "weight_core": 0.3, "assumed": "no"},
            {"item": "strategic", "name": "战略重要性", "rule": "R-K-STRATEGIC",
             "weight_ordinary": 0.15, "weight_core": 0.2, "assumed": "no"},
        ]},
     "", "月度积分 = Σ 项目得分(0–100) × 权重 × 10；普通与核心/联合会员权重可不同", "第三章 附件6（权重假定）", True),
    ("credit_health_start", "R-K-HEALTH", "number", num(100), "分", "健康度起始分", "附件6 自定义项", False),
    ("credit_health_per_notification", "R-K-HEALTH", "number", num(25), "分/次", "当月每次通报扣分",
     "附件6 自定义项", False),
    ("credit_health_ontime_threshold", "R-K-HEALTH", "percent", num(95), "%", "工单及时处理率低于此值扣分",
     "附件6 自定义项", False),
    ("credit_health_ontime_penalty", "R-K-HEALTH", "number", num(20), "分", "及时处理率不达标扣分",
     "附件6 自定义项", False),
    ("credit_health_floor", "R-K-HEALTH", "number", num(0), "分", "健康度最低分", "附件6 自定义项", False),
    ("credit_strategic_cap", "R-K-STRATEGIC", "number", num(100), "分", "战略重要性两子项合计上限",
     "附件6 自定义项", False),
    ("credit_company_importance", "R-K-STRATEGIC", "table", {
        "columns": {"category": "text", "name": "text", "points": "number"},
        "rows": [
            {"category": "cmcc_strategic_agreement", "name": "与中国移动集团签署战略合作协议", "points": 100},
            {"category": "national_media_portal", "name": "国家级/中央媒体门户", "points": 100},
            {"category": "migu_strategic_agreement", "name": "与咪咕文化或咪咕音乐签署战略合作协议", "points": 100},
            {"category": "listed_or_central_soe", "name": "A股或境外上市（不含新三板）或央企", "points": 100},
            {"category": "provincial_media_portal", "name": "省级媒体门户", "points": 100},
        ]},
     "", "公司重要性（取最高一项）", "附件6 自定义项", False),
    ("credit_operational_importance_threshold", "R-K-STRATEGIC", "money", num(50000), "元",
     "当月分成前收入、采购咪咕产品/服务或投放咪咕广告任一达到此值", "附件6 自定义项", False),
    ("credit_operational_importance_points", "R-K-STRATEGIC", "number", num(100), "分", "经营重要性得分",
     "附件6 自定义项", False),
    ("credit_product_categories", "R-K-PRODUCTS", "list", {"items": [
        "own_membership", "joint_membership", "digital_album", "music_card", "merchandise"]},
     "", "可采购的咪咕产品/服务类别", "附件6", False),
    ("credit_major_violation_score", "R-K-MAJOR", "number", num(0), "分", "重大违规信用积分直接置为", "第三章", False),
    ("credit_sanction_deadline", "R-K-DEADLINE", "duration", dur(5, "working_days"), "",
     "等级发布后处罚措施执行期限（中国工作日）", "第三章", False),
    ("credit_sanctions_ending_with_cooperation", "R-K-AFTER-END", "list",
     {"items": ["no_new_cooperation_types", "suspend_settlement"]}, "", "合作终止时随之结束的处罚（另有决定除外）",
     "第三章", False),
    ("credit_linked_sanctions", "R-K-LINKED", "list", {"items": ["suspend_all_cooperation", "suspend_settlement"]},
     "", "积分≤0时关联公司受到的处罚（至处罚执行完毕）", "第三章", False),
    ("reentry_ban", "R-X-EXIT", "duration", dur(2, "years"), "", "重大违规终止后禁止再次申请合作", "第六章", False),
    # §5 Settlement
    ("settlement_payout_from_warning", "R-S-WARN", "flag", num(True), "",
     "结算金额乘以当月最高预警级别的结算比例（见 R-D-WARN warning_levels）", "第四章", False),
    ("extra_deduction_min_percent", "R-S-EXTRA", "percent", num(50), "%", "升级/媒体投诉或损害形象：扣减当月结算不少于",
     "第四章", False),
    ("extra_deduction_min_suspension", "R-S-EXTRA", "duration", dur(1, "months"), "", "可同时暂停业务不少于",
     "第四章", False),
    ("negative_settlement_carry_forward", "R-S-NEG", "flag", num(True), "", "负结算结转至后续月份", "第四章", False),
    ("settlement_hold_grades", "R-S-HOLD", "list", {"items": ["E", "F"]}, "", "暂停（暂扣）渠道结算的信用等级",
     "第四章", False),
]


def create_default_rule_set(apps, schema_editor):
    RuleSet = apps.get_model("scoring", "RuleSet")
    RuleEntry = apps.get_model("scoring", "RuleEntry")
    if RuleSet.objects.filter(version=1).exists():
        return
    rule_set = RuleSet.objects.create(
        version=1,
        name="开放合作管理办法（日常运营分册）V1.7 默认规则",
        status="active",
        effective_from=dt.date(2020, 10, 1),
        note="依据 RULES.md §1–§5 建立的默认规则集。",
    )
    RuleEntry.objects.bulk_create(
        RuleEntry(rule_set=rule_set, key=key, rule_id=rule_id, kind=kind, value=value, unit=unit,
                  description=description, source=source, assumed=assumed)
        for key, rule_id, kind, value, unit, description, source, assumed in ENTRIES
    )


def remove_default_rule_set(apps, schema_editor):
    apps.get_model("scoring", "RuleSet").objects.filter(version=1, locked=False).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(create_default_rule_set, remove_default_rule_set)]
