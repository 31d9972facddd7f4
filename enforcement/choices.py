from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictedAction(models.TextChoices):
    """What a restriction forbids. Callers ask about one action; broader ones imply narrower ones."""

    PROMOTE = "promote", _("业务推广")
    APPLY_CODES = "apply_codes", _("申请新业务代码")
    NEW_PRODUCTS = "new_products", _("新增产品")
    NEW_COOPERATION_TYPES = "new_cooperation_types", _("新增合作类型")
    PHONE_BILL_CHARGING = "phone_bill_charging", _("话费计费")
    CLIENT_PROMOTION = "client_promotion", _("客户端推广")
    SETTLEMENT = "settlement", _("渠道结算")
    SALES = "sales", _("全部销售合作")
    SUBCHANNEL_PROMOTE = "subchannel_promote", _("子渠道推广")
    ALL_COOPERATION = "all_cooperation", _("全部合作")


# A restriction on the key forbids every action in its value too (e.g. suspending all sales stops promotion).
IMPLIED_ACTIONS: dict[str, set[str]] = {
    RestrictedAction.ALL_COOPERATION: set(RestrictedAction.values),
    RestrictedAction.SALES: {
        RestrictedAction.PROMOTE,
        RestrictedAction.SUBCHANNEL_PROMOTE,
        RestrictedAction.CLIENT_PROMOTION,
        RestrictedAction.PHONE_BILL_CHARGING,
        RestrictedAction.APPLY_CODES,
        RestrictedAction.NEW_PRODUCTS,
        RestrictedAction.NEW_COOPERATION_TYPES,
    },
    RestrictedAction.PROMOTE: {RestrictedAction.SUBCHANNEL_PROMOTE, RestrictedAction.CLIENT_PROMOTION},
}
