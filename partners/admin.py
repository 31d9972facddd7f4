from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ModelAdmin, ReadOnlyAdminMixin, TabularInline, money_column, money_text
from core.exports import xlsx_response

from .choices import ImportKind, ImportSource
from .imports.forms import ImportForm
from .imports.services import data_file_import
from .imports.specs import SPECS
from .imports.template_files import template_filename, template_workbook
from .models import (
    ComplaintTicket,
    Contract,
    ImportRun,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    PartnerMembership,
    RelatedGroup,
    SubChannel,
)

#: row errors shown on the import page (all are counted; the command line lists every one)
ERRORS_SHOWN = 1000


class ImportLinkMixin:
    """Adds an “导入” button to the change list, opening the import page for this model's kind."""

    import_kind: str = ""
    change_list_template = "admin/partners/change_list_with_import.html"

    def changelist_view(self, request, extra_context=None):
        url = reverse("admin:partners_import")
        if self.import_kind:
            url += f"?kind={self.import_kind}"
        return super().changelist_view(request, {**(extra_context or {}), "import_url": url})


class ContractInline(TabularInline):
    model = Contract
    extra = 0
    fields = ["cooperation_type", "start_date", "end_date", "revenue_share", "incubation", "incubation_basis"]
    show_change_link = True


class SubChannelInline(TabularInline):
    model = SubChannel
    extra = 0
    fields = ["code", "name", "active"]


@admin.register(RelatedGroup)
class RelatedGroupAdmin(HistoryAdmin):
    list_display = ["name", "partner_count"]
    search_fields = ["name", "partners__code", "partners__name"]

    @admin.display(description=_("合作方数"))
    def partner_count(self, obj):
        return obj.partners.count()


@admin.register(Partner)
class PartnerAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.PARTNERS
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
class ContractAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.CONTRACTS
    list_display = ["partner", "cooperation_type", "start_date", "end_date", "revenue_share", "incubation"]
    list_filter = ["cooperation_type", "incubation", "incubation_basis", "partner__partner_class"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "start_date"


@admin.register(SubChannel)
class SubChannelAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.SUB_CHANNELS
    list_display = ["code", "name", "partner", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(ComplaintTicket)
class ComplaintTicketAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.COMPLAINTS
    list_display = ["ticket_id", "partner", "cooperation_type", "received_on", "province", "category",
                    "handled_late", "quality_failed", "upgraded_on"]
    list_filter = ["cooperation_type", "category", "handled_late", "quality_failed", "received_on", "province"]
    search_fields = ["ticket_id", "partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "received_on"
    show_full_result_count = False


@admin.register(MonthlyRevenue)
class MonthlyRevenueAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.REVENUE
    list_display = ["partner", "cooperation_type", "month", "phone_bill_money", "third_party_money", "cash_money",
                    "total"]
    list_filter = ["cooperation_type", "month"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]

    phone_bill_money = money_column("phone_bill", MonthlyRevenue._meta.get_field("phone_bill").verbose_name)
    third_party_money = money_column("third_party", MonthlyRevenue._meta.get_field("third_party").verbose_name)
    cash_money = money_column("cash", MonthlyRevenue._meta.get_field("cash").verbose_name)

    @admin.display(description=_("合计（元）"))
    def total(self, obj):
        return money_text(obj.total)


@admin.register(MonthlyContribution)
class MonthlyContributionAdmin(ImportLinkMixin, HistoryAdmin):
    import_kind = ImportKind.CONTRIBUTIONS
    list_display = ["partner", "cooperation_type", "month", "marketing_resources", "cash_contribution_money",
                    "ad_sales_money", "active_users", "product_purchases_money", "product_category", "ads_placed_money"]
    cash_contribution_money = money_column(
        "cash_contribution", MonthlyContribution._meta.get_field("cash_contribution").verbose_name)
    ad_sales_money = money_column("ad_sales", MonthlyContribution._meta.get_field("ad_sales").verbose_name)
    product_purchases_money = money_column(
        "product_purchases", MonthlyContribution._meta.get_field("product_purchases").verbose_name)
    ads_placed_money = money_column("ads_placed", MonthlyContribution._meta.get_field("ads_placed").verbose_name)
    list_filter = ["cooperation_type", "month", "marketing_resources"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(ModelAdmin):
    list_display = ["user", "partner", "created_at"]
    search_fields = ["user__username", "partner__code"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["user"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, ImportLinkMixin, ModelAdmin):
    """Every import (command line or this admin) and the page that runs one: the same service."""

    list_display = ["started_at", "kind", "file_name", "dry_run", "status", "rows", "created", "updated",
                    "unchanged", "error_count", "started_by", "source"]
    list_filter = ["kind", "status", "dry_run", "source"]
    search_fields = ["file_name", "started_by__username", "errors"]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in ImportRun._meta.fields] + ["duration_seconds"]

    @admin.display(description=_("耗时（秒）"))
    def duration_seconds(self, obj):
        return obj.duration_seconds

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="partners_import"),
            path("import/template/<str:kind>/", self.admin_site.admin_view(self.template_view),
                 name="partners_import_template"),
        ] + super().get_urls()

    def template_view(self, request, kind):
        """The kind's template: Chinese headers, one example row that imports as is, a sheet of explanations."""
        if kind not in SPECS:
            raise Http404(kind)
        return xlsx_response(template_workbook(SPECS[kind]), template_filename(SPECS[kind]))

    def import_view(self, request):
        """Staff only (admin_view); importing a kind needs add and change rights on its model."""
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                kind = form.cleaned_data["kind"]
                opts = SPECS[kind].model._meta
                if not request.user.has_perms(
                    [f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
                ):
                    raise PermissionDenied
                upload = form.cleaned_data["file"]
                result = data_file_import(
                    kind=kind, file=upload, file_name=upload.name, dry_run=form.cleaned_data["dry_run"],
                    user=request.user, source=ImportSource.ADMIN, keep_errors=ERRORS_SHOWN,
                )
        else:
            form = ImportForm(initial={"kind": request.GET.get("kind") or ImportKind.PARTNERS})
        context = {
            **self.admin_site.each_context(request),
            "title": _("数据导入"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "specs": SPECS.values(),
            "run_url": reverse("admin:partners_importrun_change", args=[result.run_id]) if result else None,
        }
        return TemplateResponse(request, "admin/partners/import.html", context, status=200)
