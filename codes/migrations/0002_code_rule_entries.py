"""Add every number of RULES.md §6 (business codes, R-B-*) to every existing rule set, each with its rule id.

Keys already present in a set are left as they are (a set may have been edited by staff).
"""

from django.db import migrations

from core.migration_helpers import rule_entries_functions


def num(value):
    return {"value": value}


CHECKLIST = [
    {"key": "product_function", "name": "产品功能完整，服务适合包月计费"},
    {"key": "billing_display", "name": "计费逻辑清晰，资费展示明确"},
    {"key": "promotion_plan", "name": "推广方案及执行计划完整"},
    {"key": "data_analysis", "name": "具备数据分析能力"},
    {"key": "customer_service", "name": "客服流程完善"},
]

# (key, rule_id, kind, value, unit, description, source, assumed)
ENTRIES = [
    ("code_partner_categories", "R-B-SCOPE", "list",
     {"items": ["channel_exclusive", "joint_membership", "ringback_monthly", "platinum_member", "other"]}, "",
     "合作方可申请的代码类别：渠道专属、联合会员、彩铃包月及其他开放合作代码（不含咪咕自有代码）", "第五章", False),
    ("code_first_batch_limits", "R-B-FIRST", "table", {
        "columns": {"cooperation_type": "text", "partner_class": "text", "monthly": "number", "per_use": "number"},
        "rows": [
            {"cooperation_type": "joint_membership", "partner_class": "ordinary", "monthly": 1, "per_use": 0},
            {"cooperation_type": "joint_membership", "partner_class": "core", "monthly": 3, "per_use": 0},
            {"cooperation_type": "sales_channel", "partner_class": "*", "monthly": 1, "per_use": 5},
        ]},
     "个", "首批申请限额：普通联合会员包月1个；核心联合会员包月不超过3个；其他合作方包月不超过1个、按次不超过5个"
     "（联合会员首批不含按次代码）", "第五章 附件5", False),
    ("code_review_min_reviewers", "R-B-REVIEW", "number", num(3), "人", "产品初审须至少由此数量的不同人员按审核要点审核",
     "第五章 附件5", False),
    ("code_review_chains", "R-B-REVIEW", "table", {
        "columns": {"application_type": "text", "steps": "list"},
        "rows": [
            {"application_type": "first_batch", "steps": ["initial_review", "director_review"]},
            {"application_type": "additional", "steps": ["initial_review", "director_review", "leader_approval"]},
        ]},
     "", "审核环节：首批限额内的申请经产品初审、部门（总监）审核；追加申请另经公司领导审批（解释）",
     "第五章 附件5", True),
    ("code_review_checklist", "R-B-CHECK", "list", {"items": CHECKLIST}, "",
     "产品初审审核要点（五项，逐项填写）", "附件5", False),
    ("code_more_min_users_per_code", "R-B-MORE", "number", num(10000), "户",
     "追加包月代码：每个已分配包月代码用户数不低于", "附件5", False),
    ("code_more_min_average_users", "R-B-MORE", "number", num(50000), "户",
     "追加包月代码：已分配包月代码平均用户数不低于", "附件5", False),
    ("code_more_min_average_orders", "R-B-MORE", "number", num(10000), "次/月",
     "追加按次代码：已分配按次代码月均订购次数不低于", "附件5", False),
    ("code_more_contribution_per_code", "R-B-MORE", "money", num(300000), "元",
     "资源贡献：合同期内采购咪咕产品/服务或投放咪咕广告（含税）每满此金额可申请1个代码", "附件5", False),
    ("code_more_stats_lag_months", "R-B-MORE", "number", num(1), "月",
     "收入条件按批次月份前第N个月的代码统计判断（解释）", "附件5（解释）", True),
    ("code_block_restricted_actions", "R-B-BLOCK", "list", {"items": ["apply_codes"]}, "",
     "预警暂停申请（R-D-WARN）或信用等级C及以下（R-K-RANGE）登记的限制事项，生效期间不得申请新代码", "第五章", False),
    ("code_change_fields", "R-B-CHANGE", "list", {"items": ["cp", "name", "price", "attributes"]}, "",
     "可申请变更的代码信息：CP、名称、资费、属性；变更后管理期延续", "第五章", False),
    ("code_yearend_min_in_force", "R-B-YEAREND", "duration", {"value": 1, "unit": "years"}, "",
     "年末清理：生效超过此期限的包月代码", "第五章", False),
    ("code_yearend_window_months", "R-B-YEAREND", "number", num(6), "月", "年末清理：按近N个月平均用户数判断",
     "第五章", False),
    ("code_yearend_min_average_users", "R-B-YEAREND", "number", num(1000), "户",
     "年末清理：近期月均用户数低于此值的包月代码停止新增、退订并回收", "第五章", False),
    ("code_exit_min_users", "R-B-EXIT", "number", num(1000), "户",
     "合作方退出：包月代码用户数低于此值立即回收；不低于此值停止新增用户", "第五章", False),
    ("code_exit_unsubscribe_batch_size", "R-B-EXIT", "number", num(1000), "户",
     "合作方退出：无法继续服务的包月代码用户超过此数分批退订，每批户数", "第五章", False),
    ("code_exit_own_channel_excluded_categories", "R-B-EXIT", "list", {"items": ["joint_membership"]}, "",
     "合作方退出后不能转咪咕自有渠道结算的代码类别", "第五章", False),
    ("code_internal_review_chain", "R-B-INTERNAL", "list",
     {"items": ["director_review", "leader_approval", "receiver_acceptance"]}, "",
     "内部单位代码：申请部门总监、分管领导审批后由接收部门总监确认", "第五章", False),
]

add_entries, remove_entries = rule_entries_functions(ENTRIES)


class Migration(migrations.Migration):
    dependencies = [("codes", "0001_initial"), ("scoring", "0002_default_rule_set")]

    operations = [migrations.RunPython(add_entries, remove_entries)]
