from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ApproverRole


class OverrideKind(models.TextChoices):
    """The automatic decisions staff may override with a written reason (issue 15 item 4).

    Control measures are overridden on the measure itself (``controls.ControlMeasure.override_*``, approved with
    their event by the department head), so they are not a kind here.
    """

    ASSESSMENT_ITEM = "assessment_item", _("月度考核项目得分")
    PENALTY_PROPOSAL = "penalty_proposal", _("预警处罚建议")
    CREDIT_SANCTION = "credit_sanction", _("信用等级处罚")


#: who approves an override: the role that approves the decision it changes (RULES.md R-M-APPROVAL: the monthly
#: results; R-D-APPROVAL: warning reports; glossary 分管领导: credit grades)
APPROVER_ROLES = {
    OverrideKind.ASSESSMENT_ITEM: ApproverRole.DIVISION_LEADER,
    OverrideKind.PENALTY_PROPOSAL: ApproverRole.DIVISION_LEADER,
    OverrideKind.CREDIT_SANCTION: ApproverRole.DIVISION_LEADER,
}

APPROVAL_RULES = {
    OverrideKind.ASSESSMENT_ITEM: "R-M-APPROVAL",
    OverrideKind.PENALTY_PROPOSAL: "R-D-APPROVAL",
    OverrideKind.CREDIT_SANCTION: "R-K-RANGE",
}
