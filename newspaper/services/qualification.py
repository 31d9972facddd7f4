"""Partner profiles and their licences, proofs and authorisations; the daily expiry flags (R-N-QUAL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from scoring.selectors import rule_book_in_force_or_oldest

from .. import rules
from ..choices import (
    DocumentKind,
)
from ..models import (
    NewspaperPartnerProfile,
    QualificationDocument,
)


@transaction.atomic
def partner_profile_set(*, partner, relation: str, media_name: str = "", actor=None) -> NewspaperPartnerProfile:
    profile, _ = NewspaperPartnerProfile.objects.update_or_create(
        partner=partner, defaults={"relation": relation, "media_name": media_name}
    )
    audit_record(obj=profile, action="newspaper_profile_set", actor=actor, rule_id="R-N-QUAL",
                 data={"relation": relation, "media_name": media_name})
    return profile


def document_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks across fields of one document (shared by the form, the service and the import)."""
    problems = []
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(("valid_to", f"有效期至 {valid_to:%Y-%m-%d} 早于有效期起 {valid_from:%Y-%m-%d}"))
    kind = values.get("kind")
    if kind == DocumentKind.CONTENT_AUTHORISATION and not values.get("authorising_media"):
        problems.append(("authorising_media", "内容授权证明须填写授权媒体（R-N-QUAL）"))
    if kind == DocumentKind.SECTOR_LICENCE and not values.get("category"):
        problems.append(("category", "行业主管部门许可证须填写所许可的内容类别（R-N-QUAL 第11条）"))
    return problems


@transaction.atomic
def document_record(*, partner, actor=None, **values) -> QualificationDocument:
    """File (or update, by partner + kind + number) a licence, proof or authorisation."""
    problems = document_problems(values)
    if problems:
        raise ValidationError({field: [reason] for field, reason in problems})
    document, created = QualificationDocument.objects.update_or_create(
        partner=partner, kind=values.pop("kind"), number=values.pop("number"), defaults=values
    )
    audit_record(obj=document, action="newspaper_document_create" if created else "newspaper_document_update",
                 actor=actor, rule_id="R-N-QUAL")
    return document


@transaction.atomic
def documents_expiry_check(*, on: dt.date, progress=None) -> dict[str, int]:
    """Daily: flag each document with the smallest warning band (30/60/90 days, rule set) it expires within;
    clear the flag of the others. Running it twice for a day changes nothing."""
    _, book = rule_book_in_force_or_oldest(on=on)
    changed = []
    counts: dict[str, int] = {"checked": 0, "flagged": 0, "expired": 0}
    documents = list(QualificationDocument.objects.only("pk", "valid_to", "expiry_warning_days", "expiry_checked_on"))
    if progress is not None:
        progress.set_total(len(documents))
    for document in documents:
        counts["checked"] += 1
        band = rules.expiry_warning_days(valid_to=document.valid_to, on=on, book=book)
        counts["flagged"] += band is not None
        counts["expired"] += document.valid_to < on
        if band != document.expiry_warning_days or document.expiry_checked_on != on:
            document.expiry_warning_days, document.expiry_checked_on = band, on
            changed.append(document)
        if progress is not None:
            progress.advance()
    QualificationDocument.objects.bulk_update(changed, ["expiry_warning_days", "expiry_checked_on"], batch_size=1000)
    return counts
