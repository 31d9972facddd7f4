from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审批发布")
    RETURNED = "returned", _("已退回")


#: Results a job never overwrites: once submitted or approved they change only through the approval workflow.
PROTECTED_STATUSES = (ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED)


class JobStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    REFUSED = "refused", _("已拒绝")


class ApproverRole(models.TextChoices):
    """Django groups seeded by a migration; rule sets name which role approves what (R-D-APPROVAL)."""

    OPERATIONS = "运营人员", _("运营人员")
    DEPARTMENT_HEAD = "部门领导", _("部门领导")
    DIVISION_LEADER = "分管领导", _("分管领导")


class AuditAction(models.TextChoices):
    """Every action an audit row may name (``core.audit.audit_record`` refuses any other).

    A new state change adds its action here; ``tests/core/test_audit_actions.py`` fails when a call site names an
    action missing from this list.
    """

    # core.approval: the one approval workflow
    SUBMIT = "submit", _("提交审批")
    APPROVE = "approve", _("审批发布")
    RETURN = "return", _("退回")
    # scoring: rule sets and penalty proposals
    RULE_SET_COPY = "rule_set_copy", _("复制规则集")
    RULE_SET_ACTIVATE = "rule_set_activate", _("启用规则集")
    RULE_ENTRY_UPDATE = "rule_entry_update", _("修改规则条目")
    PROPOSE = "propose", _("生成处罚建议")
    RECOMPUTE = "recompute", _("重算处罚建议")
    SUPERSEDE = "supersede", _("被更高级别建议取代")
    WITHDRAW = "withdraw", _("撤回处罚建议")
    # overrides of automatic decisions (overrides app; controls measures: CONTROL_MEASURE_OVERRIDE)
    OVERRIDE_CREATE = "override_create", _("录入人工调整")
    OVERRIDE_SUPERSEDE = "override_supersede", _("人工调整被取代")
    OVERRIDE_AUTOMATIC_MOVED = "override_automatic_moved", _("调整期间自动结果变动")
    # enforcement
    RESTRICTION_CREATE = "restriction_create", _("登记限制")
    RESTRICTION_LIFT = "restriction_lift", _("解除限制")
    # partners
    PARTNER_USER_BIND = "partner_user_bind", _("绑定合作方登录")
    PARTNER_TERMINATE = "partner_terminate", _("终止合作")
    PARTNER_REENTRY_BAN = "partner_reentry_ban", _("禁止再次准入")
    # controls
    CONTROL_EVENT_CREATE = "control_event_create", _("录入管控事件")
    CONTROL_EVENT_UPDATE = "control_event_update", _("修改管控事件")
    CONTROL_EVENT_DELETE = "control_event_delete", _("删除管控事件")
    CONTROL_MEASURE_OVERRIDE = "control_measure_override", _("调整管控措施")
    EXTRA_PENALTY_CREATE = "extra_penalty_create", _("录入额外处罚")
    # credit
    COMPANY_IMPORTANCE_FILE = "company_importance_file", _("登记公司重要性证明")
    MANUAL_ITEM_SCORE_SET = "manual_item_score_set", _("录入人工评分项")
    CREDIT_SANCTION_ISSUE = "credit_sanction_issue", _("下达信用处罚")
    CREDIT_SANCTION_APPLY = "credit_sanction_apply", _("执行信用处罚")
    CREDIT_SANCTION_EDIT = "credit_sanction_edit", _("修改信用处罚")
    CREDIT_SANCTION_END = "credit_sanction_end", _("结束信用处罚")
    CREDIT_SANCTION_CANCEL = "credit_sanction_cancel", _("取消信用处罚")
    CREDIT_SANCTIONS_SKIP = "credit_sanctions_skip", _("不下达信用处罚")
    CREDIT_SCORE_MAJOR_VIOLATION = "credit_score_major_violation", _("重大违规信用分清零")
    MAJOR_VIOLATION_RECORD = "major_violation_record", _("登记重大违规")
    PENALTY_SETTLE = "penalty_settle", _("处罚执行完毕")
    LINKED_PENALTIES_SETTLE = "linked_penalties_settle", _("关联公司处罚执行完毕")
    # settlement
    WRITE_DOWN_RECORD = "write_down_record", _("录入核减")
    WRITE_DOWN_REPLACE = "write_down_replace", _("更正核减")
    EXTRA_DEDUCTION_RECORD = "extra_deduction_record", _("录入额外扣款")
    NEGATIVE_OFFSET_DECIDE = "negative_offset_decide", _("决定负数冲抵")
    SETTLEMENT_ADJUSTMENT_RECORD = "settlement_adjustment_record", _("录入结算调整")
    RECOMPUTE_BACK_TO_DRAFT = "recompute_back_to_draft", _("重算后退回草稿")
    # codes
    CODE_CREATE = "code_create", _("新建代码")
    CODE_APPLY = "code_apply", _("申请代码")
    CODE_ELIGIBILITY_RECOMPUTE = "code_eligibility_recompute", _("重算申请资格")
    CODE_BATCH_CLOSE = "code_batch_close", _("关闭申请批次")
    CODE_REVIEW_ADVANCE = "code_review_advance", _("推进代码评审")
    CODE_INITIAL_REVIEW = "code_initial_review", _("代码初审")
    CODE_GRANT = "code_grant", _("分配代码")
    CODE_CHANGE_REQUEST = "code_change_request", _("申请代码变更")
    ASSESS = "assess", _("评估")
    CODE_CHANGE = "code_change", _("变更代码")
    PARTNER_EXIT_REGISTER = "partner_exit_register", _("登记合作方退出")
    CODE_EXIT_PROPOSE = "code_exit_propose", _("提出代码回收建议")
    CODE_RECYCLING_RAISE = "code_recycling_raise", _("发起代码回收")
    CODE_OWN_CHANNEL = "code_own_channel", _("自有渠道继续结算")
    # codes: the code's own state machine (``codes.services.lifecycle``: ``code_<transition method>``)
    CODE_ACTIVATE = "code_activate", _("代码生效")
    CODE_STOP_NEW_USERS = "code_stop_new_users", _("停止新增用户")
    CODE_START_RECYCLING = "code_start_recycling", _("开始回收代码")
    CODE_FINISH_RECYCLING = "code_finish_recycling", _("代码回收完成")

    # newspaper
    NEWSPAPER_PROFILE_SET = "newspaper_profile_set", _("设置手机报合作方关系")
    NEWSPAPER_DOCUMENT_CREATE = "newspaper_document_create", _("登记资质文件")
    NEWSPAPER_DOCUMENT_UPDATE = "newspaper_document_update", _("修改资质文件")
    NEWSPAPER_PRODUCT_PROPOSE = "newspaper_product_propose", _("申请手机报产品")
    NEWSPAPER_LAUNCH_STEP = "newspaper_launch_step", _("登记上线阶段")
    NEWSPAPER_TEST_START = "newspaper_test_start", _("开始产品测试")
    NEWSPAPER_TEST_DECIDE = "newspaper_test_decide", _("产品测试结论生效")
    NEWSPAPER_BREACH_RECORD = "newspaper_breach_record", _("登记产品违约")
    NEWSPAPER_SCORE_ACTION_PROPOSE = "newspaper_score_action_propose", _("提出运营分警告/退出")
    NEWSPAPER_SCORE_ACTION_APPLY = "newspaper_score_action_apply", _("运营分警告/退出生效")