from django.db import models
from django.utils.translation import gettext_lazy as _


class EditingMode(models.TextChoices):
    """R-N-PRODUCT (第8条): who assembles the content."""

    REPRINT = "reprint", _("转载类")
    CENTRAL = "central", _("集中发行类")


class ContentCategory(models.TextChoices):
    """R-N-PRODUCT (第9条): the twelve content categories."""

    CURRENT_NEWS = "current_news", _("时事新闻类")
    FINANCE = "finance", _("财经类")
    CULTURE_ENTERTAINMENT = "culture_entertainment", _("文娱类")
    LIFESTYLE = "lifestyle", _("生活类")
    SPORTS = "sports", _("体育类")
    GAMES_ANIMATION = "games_animation", _("游戏/动漫类")
    LEGAL = "legal", _("法制类")
    MILITARY = "military", _("军事类")
    EDUCATION = "education", _("教育类")
    LITERATURE = "literature", _("文学类")
    SCIENCE_TECHNOLOGY = "science_technology", _("科技类")
    BRAND_SPECIAL = "brand_special", _("品牌专刊")


class ProductScope(models.TextChoices):
    """R-N-LOCAL: national papers go through the six-stage launch; local papers follow their own rulebook."""

    NATIONAL = "national", _("全国手机报")
    LOCAL = "local", _("地方手机报（接入全网）")


class DeliveryFormat(models.TextChoices):
    MMS = "mms", _("彩信")
    WAP = "wap", _("WAP")
    SMS = "sms", _("短信")


class ProductStatus(models.TextChoices):
    PROPOSED = "proposed", _("已申请")
    IN_LAUNCH = "in_launch", _("上线流程中")
    LIVE = "live", _("已上线")
    WARNED = "warned", _("已警告")
    EXITED = "exited", _("已退出")
    REJECTED = "rejected", _("测试未通过·已退回")


#: statuses in which a product is listed in the national product catalogue (R-N-LAUNCH stage 6, R-N-SCORE exit)
CATALOGUE_STATUSES = (ProductStatus.LIVE, ProductStatus.WARNED)
#: statuses that no longer hold the (partner, name) of a product
CLOSED_STATUSES = (ProductStatus.EXITED, ProductStatus.REJECTED)


class MediaRelation(models.TextChoices):
    """R-N-QUAL (第10条): how the signing partner stands to the newspaper / magazine / website it works with."""

    MEDIA = "media", _("报社、杂志社或旗下网站")
    SUBSIDIARY = "subsidiary", _("报社、杂志社或旗下网站的下属公司")
    THIRD_PARTY = "third_party", _("独立第三方公司")


class DocumentKind(models.TextChoices):
    NEWS_LICENCE = "news_licence", _("互联网新闻信息服务许可证")
    SECTOR_LICENCE = "sector_licence", _("行业主管部门信息服务许可证")
    SUBSIDIARY_PROOF = "subsidiary_proof", _("下属公司证明")
    CONTENT_AUTHORISATION = "content_authorisation", _("内容授权证明")


class DocumentIssuer(models.TextChoices):
    STATE_COUNCIL_INFORMATION_OFFICE = "scio", _("国务院新闻办公室")
    PROVINCIAL_INFORMATION_OFFICE = "provincial_io", _("省（自治区、直辖市）人民政府新闻办公室")
    SARFT = "sarft", _("国家广电总局或省级广电局")
    HEALTH = "health", _("卫生部或省级卫生行政部门")
    EDUCATION = "education", _("教育部或省级教育行政部门")
    CSRC = "csrc", _("证监会")
    OTHER_REGULATOR = "other_regulator", _("其他主管部门")
    MEDIA = "media", _("授权媒体")
    OTHER = "other", _("其他")


class LaunchStage(models.IntegerChoices):
    """R-N-LAUNCH (第14条): the six stages of a new national product."""

    NEED = 1, _("需求受理和评估")
    DESIGN = 2, _("产品设计")
    REVIEW = 3, _("产品开发初审")
    TEST = 4, _("产品测试")
    APPROVAL = 5, _("产品上线审批")
    LISTING = 6, _("正式上线运营")


class ProductTestDecision(models.TextChoices):
    PASS = "pass", _("测试通过，可制作局数据并上线")
    ADJUST = "adjust", _("需调整，重新执行上线流程")
    REJECT = "reject", _("不具备接入条件，退回")


class BreachClass(models.IntegerChoices):
    """R-N-VIOLATION: five classes by severity (第九章第一节)."""

    CLASS_1 = 1, _("一类违约")
    CLASS_2 = 2, _("二类违约")
    CLASS_3 = 3, _("三类违约")
    CLASS_4 = 4, _("四类违约")
    CLASS_5 = 5, _("五类违约")


class ScoreActionKind(models.TextChoices):
    """R-N-SCORE: what an operating score below a threshold leads to."""

    WARNING = "warning", _("警告")
    EXIT = "exit", _("退出")
