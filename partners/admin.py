from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ComplaintTicket,
    Contract,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    PartnerMembership,
    RelatedGroup,
    SubChannel,
)


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["cooperation_type", "start_date", "end_date", "revenue_share", "incubation", "incubation_basis"]
    show_change_link = True


class SubChannelInline(admin.TabularInline):
    model = SubChannel
    extra = 0
    fields = ["code", "name", "active"]


@admin.register(RelatedGroup)
class RelatedGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partner_count"]
    search_fields = ["name", "partners__code", "partners__name"]

    @admin.display(description=_("合作方数"))
    def partner_count(self, obj):
        return obj.partners.count()


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "partner_class", "related_group", "status", "reentry_banned_until"]
    list_filter = ["partner_class", "status", "related_group"]
    search_fields = ["code", "name"]
    list_select_related = ["related_group"]
    inlines = [ContractInline, SubChannelInline]
    readonly_fields = ["control_overview"]

    @admin.display(description=_("管控与结算概览"))
    def control_overview(self, obj):
        from controls.admin import partner_overview_link  # the overview page lives with the control events

        return partner_overview_link(obj)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "cooperation_type", "start_date", "end_date", "revenue_share", "incubation"]
    list_filter = ["cooperation_type", "incubation", "incubation_basis", "partner__partner_class"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "start_date"


@admin.register(SubChannel)
class SubChannelAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "partner", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(ComplaintTicket)
class ComplaintTicketAdmin(SimpleHistoryAdmin):
    list_display = ["ticket_id", "partner", "cooperation_type", "received_on", "province", "category",
                    "handled_late", "quality_failed", "upgraded_on"]
    list_filter = ["cooperation_type", "category", "handled_late", "quality_failed", "received_on", "province"]
    search_fields = ["ticket_id", "partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "received_on"
    show_full_result_count = False


@admin.register(MonthlyRevenue)
class MonthlyRevenueAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "cooperation_type", "month", "phone_bill", "third_party", "cash", "total"]
    list_filter = ["cooperation_type", "month"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]

    @admin.display(description=_("合计（元）"))
    def total(self, obj):
        return obj.total


@admin.register(MonthlyContribution)
class MonthlyContributionAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "cooperation_type", "month", "marketing_resources", "cash_contribution", "ad_sales",
                    "active_users", "product_purchases", "ads_placed"]
    list_filter = ["cooperation_type", "month", "marketing_resources"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "created_at"]
    search_fields = ["user__username", "partner__code"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["user"]
