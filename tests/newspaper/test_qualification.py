"""R-N-QUAL: the documents a partner needs by its relation to the media and the product's category, and the
selector "is partner P qualified for category C and mode M on date D, and if not, what is missing"."""

import datetime as dt

import pytest

from newspaper import rules
from newspaper.choices import ContentCategory, DocumentKind, MediaRelation
from newspaper.selectors import partner_qualification
from newspaper.services import partner_profile_set
from tests.factories import PartnerFactory

from .factories import book, document

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 2)
NEWS = {"current_news"}
SECTOR = {"finance", "military", "education", "culture_entertainment"}

# 第10–12条, as (relation, group) → required documents and the clause asked for
EXPECTED = {
    ("media", "news"): ({"news_licence"}, "第10条1(2)、2(1)"),
    ("subsidiary", "news"): ({"news_licence@parent", "subsidiary_proof"}, "第10条2(2)"),
    ("third_party", "news"): ({"news_licence", "content_authorisation"}, "第10条2(3)"),
    ("media", "sector"): ({"sector_licence"}, "第11条1"),
    ("subsidiary", "sector"): ({"sector_licence", "content_authorisation"}, "第11条2"),
    ("third_party", "sector"): ({"sector_licence", "content_authorisation"}, "第11条2"),
    ("media", "other"): (set(), "第12条"),
    ("subsidiary", "other"): ({"content_authorisation"}, "第12条"),
    ("third_party", "other"): ({"content_authorisation"}, "第12条"),
}


def _group(category):
    return "news" if category in NEWS else "sector" if category in SECTOR else "other"


CASES = [(relation, category) for relation in MediaRelation.values for category in ContentCategory.values]


@pytest.mark.parametrize(("relation", "category"), CASES, ids=[f"{r}-{c}" for r, c in CASES])
def test_r_n_qual_required_documents_by_relation_and_category(relation, category):
    expected, clause = EXPECTED[(relation, _group(category))]
    required = rules.required_documents(category=category, relation=relation, book=book())
    assert {r.key for r in required} == expected
    assert all(r.clause == clause and r.rule == "R-N-QUAL" for r in required)
    assert all(r.category == (category if r.kind == "sector_licence" else "") for r in required)


def _facts(key, category, *, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 12, 31), id=1):
    kind, _, holder = key.partition("@")
    return rules.DocumentFacts(id=id, kind=kind, number=f"N-{id}", valid_from=valid_from, valid_to=valid_to,
                               held_by_parent=holder == "parent",
                               category=category if kind == "sector_licence" else "")


@pytest.mark.parametrize(("relation", "category"), CASES, ids=[f"{r}-{c}" for r, c in CASES])
def test_r_n_qual_exactly_the_required_documents_qualify_and_each_one_missing_is_named(relation, category):
    expected, clause = EXPECTED[(relation, _group(category))]
    documents = [_facts(key, category, id=i) for i, key in enumerate(sorted(expected), start=1)]
    result = rules.evaluate_qualification(category=category, editing_mode="central", relation=relation,
                                          documents=documents, on=D, book=book())
    assert result.qualified, result.reasons
    for left_out in documents:
        rest = [d for d in documents if d is not left_out]
        result = rules.evaluate_qualification(category=category, editing_mode="central", relation=relation,
                                              documents=rest, on=D, book=book())
        assert not result.qualified
        [shortfall] = result.shortfalls
        assert (shortfall.kind, shortfall.held_by_parent) == (left_out.kind, left_out.held_by_parent)
        assert shortfall.reason.startswith("缺少") and shortfall.clause == clause


def test_r_n_qual_sector_licence_must_cover_the_products_category():
    wrong = rules.DocumentFacts(id=1, kind="sector_licence", number="X", valid_from=D, valid_to=D,
                                category="education")
    result = rules.evaluate_qualification(category="finance", editing_mode="central", relation="media",
                                          documents=[wrong], on=D, book=book())
    assert not result.qualified and "缺少" in result.shortfalls[0].reason


@pytest.mark.parametrize(("valid_to", "qualified"), [(D - dt.timedelta(days=1), False), (D, True)],
                         ids=["valid-to-yesterday", "valid-to-today"])
def test_r_n_qual_licence_valid_to_yesterday_is_expired_valid_to_today_counts(valid_to, qualified):
    licence = _facts("news_licence", "current_news", valid_to=valid_to)
    result = rules.evaluate_qualification(category="current_news", editing_mode="central", relation="media",
                                          documents=[licence], on=D, book=book())
    assert result.qualified is qualified
    if not qualified:
        assert result.shortfalls[0].reason == f"互联网新闻信息服务许可证 N-1 已于 {valid_to:%Y-%m-%d} 到期"
        assert result.shortfalls[0].document_id == 1


def test_r_n_qual_licence_not_yet_valid_does_not_count():
    licence = _facts("news_licence", "current_news", valid_from=D + dt.timedelta(days=1))
    result = rules.evaluate_qualification(category="current_news", editing_mode="central", relation="media",
                                          documents=[licence], on=D, book=book())
    assert not result.qualified and "起才生效" in result.shortfalls[0].reason


@pytest.mark.parametrize(("valid_to", "long_enough"), [
    (dt.date(2028, 12, 31), True),    # 2026-01-01 … 2028-12-31: exactly three years, last day included
    (dt.date(2028, 12, 30), False),   # three years minus a day
], ids=["three-years", "three-years-minus-a-day"])
def test_r_n_qual_authorisation_of_three_years_counts_three_years_minus_a_day_does_not(valid_to, long_enough):
    start = dt.date(2026, 1, 1)
    assert rules.authorisation_term_long_enough(valid_from=start, valid_to=valid_to, book=book()) is long_enough
    documents = [_facts("content_authorisation", "sports", valid_from=start, valid_to=valid_to)]
    result = rules.evaluate_qualification(category="sports", editing_mode="central", relation="third_party",
                                          documents=documents, on=D, book=book())
    assert result.qualified is long_enough
    if not long_enough:
        assert "不足 3 年" in result.shortfalls[0].reason and result.shortfalls[0].clause == "第12条"


def test_r_n_qual_reprint_partner_other_than_the_media_is_noted_not_refused_by_default():
    documents = [_facts("content_authorisation", "sports")]
    result = rules.evaluate_qualification(category="sports", editing_mode="reprint", relation="third_party",
                                          documents=documents, on=D, book=book())
    assert result.qualified and "第10条1(1)" in result.notes[0]


def test_r_n_qual_selector_answers_for_a_partner_with_the_clause():
    partner = PartnerFactory(code="QA")
    unknown = partner_qualification(partner=partner, category="finance", editing_mode="central", on=D)
    assert not unknown.qualified and "未登记" in unknown.reasons[0]

    partner_profile_set(partner=partner, relation=MediaRelation.THIRD_PARTY)
    document(partner, DocumentKind.SECTOR_LICENCE, category="finance", valid_to=D - dt.timedelta(days=1))
    result = partner_qualification(partner=partner, category="finance", editing_mode="central", on=D)
    assert not result.qualified
    assert [s.kind for s in result.shortfalls] == ["sector_licence", "content_authorisation"]
    assert result.reasons[0].endswith("（R-N-QUAL 第11条2）") and "已于 2026-03-01 到期" in result.reasons[0]

    document(partner, DocumentKind.SECTOR_LICENCE, number="S-2", category="finance", valid_from=D)
    document(partner, DocumentKind.CONTENT_AUTHORISATION, valid_from=dt.date(2025, 6, 1),
             valid_to=dt.date(2028, 5, 31))
    assert partner_qualification(partner=partner, category="finance", editing_mode="central", on=D).qualified
