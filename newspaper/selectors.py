"""Reads of the mobile-newspaper app: qualification verdicts, the re-application lock, the catalogue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from scoring.selectors import rule_book_in_force_or_oldest

from . import rules
from .choices import CATALOGUE_STATUSES, ProductScope, ProductStatus
from .models import NewspaperPartnerProfile, NewspaperProduct, QualificationDocument


def document_facts(document: QualificationDocument) -> rules.DocumentFacts:
    return rules.DocumentFacts(
        id=document.pk, kind=document.kind, number=document.number, valid_from=document.valid_from,
        valid_to=document.valid_to, held_by_parent=document.held_by_parent, category=document.category,
        authorising_media=document.authorising_media,
    )


def partner_relation(*, partner) -> str | None:
    profile = NewspaperPartnerProfile.objects.filter(partner=partner).only("relation").first()
    return profile.relation if profile else None


def partner_qualification(*, partner, category: str, editing_mode: str, on: dt.date) -> rules.QualificationResult:
    """R-N-QUAL: is ``partner`` qualified for a ``category`` / ``editing_mode`` product on ``on``; if not, which
    document is missing or expired, with the clause (``result.shortfalls``, ``result.reasons``)."""
    _, book = rule_book_in_force_or_oldest(on=on)
    documents = [document_facts(d) for d in QualificationDocument.objects.filter(partner=partner)]
    return rules.evaluate_qualification(
        category=category, editing_mode=editing_mode, relation=partner_relation(partner=partner),
        documents=documents, on=on, book=book,
    )


def product_qualification(*, product: NewspaperProduct, on: dt.date) -> rules.QualificationResult:
    return partner_qualification(partner=product.partner, category=product.category,
                                 editing_mode=product.editing_mode, on=on)


def reapply_lock(*, partner, name: str, on: dt.date) -> NewspaperProduct | None:
    """The rejected product of this partner and name that still bars a new application on ``on`` (R-N-LAUNCH)."""
    return (NewspaperProduct.objects.filter(partner=partner, name=name, status=ProductStatus.REJECTED,
                                            reapply_from__gt=on)
            .order_by("-reapply_from").first())


def catalogue_products() -> QuerySet[NewspaperProduct]:
    """The national product catalogue (《全国手机报产品目录》): listed national products not exited."""
    return (NewspaperProduct.objects.filter(scope=ProductScope.NATIONAL, status__in=CATALOGUE_STATUSES,
                                            listed_on__isnull=False)
            .select_related("partner").order_by("category", "name"))


def documents_expiring(*, on: dt.date, within_days: int) -> dict:
    """Counts for a dashboard card (R-N-QUAL): the documents expiring within ``within_days`` of ``on``, each in
    the smallest warning band of the rule set (30/60/90 days) it expires within — ``within_days`` closes the last
    band when it is not a band itself — and the expired ones not renewed (no document of the same partner and kind
    valid on ``on``). One query. ``{"expired": 1, "bands": {30: 2, 60: 0, 90: 1}, "total": 3}``"""
    _, book = rule_book_in_force_or_oldest(on=on)
    limits = sorted({int(b) for b in book.items("newspaper_document_expiry_warning_days") if int(b) <= within_days}
                    | {within_days})
    renewed = QualificationDocument.objects.filter(partner_id=OuterRef("partner_id"), kind=OuterRef("kind"),
                                                   valid_from__lte=on, valid_to__gte=on)
    lower = -1
    aggregates = {}
    for limit in limits:
        aggregates[f"band_{limit}"] = Count("id", filter=Q(valid_to__gt=on + dt.timedelta(days=lower),
                                                          valid_to__lte=on + dt.timedelta(days=limit)))
        lower = limit
    aggregates["expired"] = Count("id", filter=Q(valid_to__lt=on) & ~Q(Exists(renewed)))
    counts = QualificationDocument.objects.aggregate(**aggregates)
    bands = {limit: counts[f"band_{limit}"] for limit in limits}
    return {"expired": counts["expired"], "bands": bands, "total": sum(bands.values())}


def document_expiry_status(document: QualificationDocument, *, on: dt.date) -> dict:
    """What the partner sees: expired, or the warning band it expires within, and the days left."""
    days_left = (document.valid_to - on).days
    return {"expired": days_left < 0, "days_left": days_left, "warning_days": document.expiry_warning_days
            if days_left >= 0 else None}
