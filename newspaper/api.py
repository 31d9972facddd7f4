"""Read-only endpoints of the mobile-newspaper app; a partner sees its own rows (and only approved decisions).
Every list has ``…/export/`` (the same filters and scoping, as Excel)."""

from rest_framework import viewsets

from core.api.approval import ApprovalActionsMixin
from core.api.scoping import PartnerScopedMixin
from core.exports import ExportViewSetMixin

from . import exports, filters
from . import serializers as s
from .models import Breach, NewspaperProduct, OperatingScore, ProductTest, QualificationDocument
from .selectors import catalogue_products


class NewspaperProductViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Products with their launch stage and recorded steps (R-N-PRODUCT, R-N-LAUNCH)."""

    queryset = NewspaperProduct.objects.select_related("partner").prefetch_related(
        "launch_steps", "launch_steps__done_by").order_by("partner__code", "name", "id")
    serializer_class = s.NewspaperProductSerializer
    filterset_class = filters.NewspaperProductFilter


class NewspaperCatalogueViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """《全国手机报产品目录》: listed national products that have not exited."""

    queryset = catalogue_products()
    serializer_class = s.CatalogueEntrySerializer
    exporter_class = exports.CatalogueExporter
    filterset_class = filters.CatalogueFilter


class QualificationDocumentViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Licences, proofs and authorisations with their expiry warning (R-N-QUAL)."""

    queryset = QualificationDocument.objects.select_related("partner").order_by("partner__code", "valid_to", "id")
    serializer_class = s.QualificationDocumentSerializer
    filterset_class = filters.QualificationDocumentFilter


class ProductTestViewSet(ExportViewSetMixin, PartnerScopedMixin, ApprovalActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Tests with testers' scores, the average and the decision (R-N-LAUNCH); partners see approved ones."""

    partner_lookup = "product__partner_id"
    published_only_for_partners = True
    queryset = ProductTest.objects.select_related("product", "product__partner", "rule_set").prefetch_related(
        "scores").order_by("-start_date", "-id")
    serializer_class = s.ProductTestSerializer
    exporter_class = exports.ProductTestResultsExporter
    filterset_class = filters.ProductTestFilter


class BreachViewSet(ExportViewSetMixin, PartnerScopedMixin, ApprovalActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Product breaches (R-N-VIOLATION); partners see approved ones."""

    partner_lookup = "product__partner_id"
    published_only_for_partners = True
    queryset = Breach.objects.select_related("product", "product__partner").order_by("-occurred_on", "-id")
    serializer_class = s.BreachSerializer
    exporter_class = exports.ProductRecordExporter
    filterset_class = filters.BreachFilter


class OperatingScoreViewSet(ExportViewSetMixin, PartnerScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Yearly operating scores with their breakdown and rule-set version (R-N-SCORE, computed from approved
    breaches only)."""

    partner_lookup = "product__partner_id"
    queryset = OperatingScore.objects.select_related("product", "product__partner", "rule_set").order_by(
        "-year", "product_id")
    serializer_class = s.OperatingScoreSerializer
    exporter_class = exports.ProductRecordExporter
    filterset_class = filters.OperatingScoreFilter


routes = [
    ("newspaper-products", NewspaperProductViewSet, "newspaper-product"),
    ("newspaper-catalogue", NewspaperCatalogueViewSet, "newspaper-catalogue"),
    ("newspaper-documents", QualificationDocumentViewSet, "newspaper-document"),
    ("newspaper-tests", ProductTestViewSet, "newspaper-test"),
    ("newspaper-breaches", BreachViewSet, "newspaper-breach"),
    ("newspaper-operating-scores", OperatingScoreViewSet, "newspaper-operating-score"),
]
