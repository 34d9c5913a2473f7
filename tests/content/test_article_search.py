"""Article search through the search index (content.search_articles), on the vendor the run
uses (SQLite by default, PostgreSQL with DATABASE_URL): Chinese terms as substrings (2
characters inside a longer word, phrases, never two pieces that are not adjacent), Latin words
case-insensitive, several terms ANDed, the index following edits, the hall's scope and order."""

from __future__ import annotations

import pytest

from xiaoyou.content import search_articles
from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.models import Article
from xiaoyou.content.search_articles import (
    document_tokens,
    postgres_term,
    postgres_tokens,
    term_query,
)
from xiaoyou.content.services import articles as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["sampled", "walk"])
def _plan(request, monkeypatch):
    """On PostgreSQL every test runs with both plans: as the sample decides (the corpora here
    are small: the GIN subquery) and forced to walk the list probing each article."""
    from django.db import connection

    if request.param == "walk":
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL chooses between two plans; SQLite has one")
        monkeypatch.setattr(search_articles, "FREQUENT_SHARE", 0)


def _published(actor, org, title: str, body: str = "") -> Article:
    article = services.article_create(actor=actor, org=org, title=title, body=body or "<p>。</p>")
    return services.article_publish(actor=actor, article=article)


def _titles(text: str) -> list[str]:
    return sorted(
        article.title for article in selectors.search(selectors.articles_published(), text)
    )


@pytest.fixture
def corpus(org_tree, college_admin):
    rows = {
        "校友会换届": "<p>新一届理事会产生。</p>",
        "秋季招聘": "<p>欢迎参加 Python 与 Django 工程师专场，校友企业现场招聘。</p>",
        "母校来信": "<p>致全体校友。朋友会记得你。</p>",  # 校友 and 友会, never side by side
        "图书馆开放": "<p>周末照常，2024年度借阅报告发布。</p>",
        "C++ 讲座": "<p>现代 C++ 入门。</p>",
    }
    return {
        title: _published(college_admin, org_tree.college, title, body)
        for title, body in rows.items()
    }


def test_document_pieces_and_query_phrases():
    assert document_tokens("校友会 Python3") == ["校友", "友会", "会", "python3"]
    assert document_tokens("Ａ股") == ["a", "股"]  # NFKC: full-width letters fold
    phrase = term_query("校友会")
    assert phrase is not None
    assert (phrase.tokens, phrase.prefix, phrase.exact) == (("校友", "友会"), False, True)
    single = term_query("校")
    assert single is not None and (single.tokens, single.prefix) == (("校",), True)
    mixed = term_query("2024年")
    assert mixed is not None and (mixed.tokens, mixed.prefix) == (("2024", "年"), True)
    inner = term_query("校友Python")
    assert inner is not None and inner.tokens == ("校友", "友", "python")
    assert term_query("+++") is None
    plus = term_query("C++")
    assert plus is not None and not plus.exact


def test_postgres_pieces_and_terms():
    # PostgreSQL: each piece once, no positions; 2- and 3-character pieces of CJK runs.
    assert postgres_tokens("校友会 Python3 校友") == [
        "校友",
        "校友会",
        "友会",
        "会",
        "python3",
        "友",
    ]
    assert postgres_tokens("Ａ股") == ["a", "股"]

    def query(term):
        found = postgres_term(term)
        assert found is not None
        return found.tsquery, found.exact

    assert query("校") == ("'校':*", True)
    assert query("校友") == ("'校友'", True)
    assert query("校友会") == ("'校友会'", True)
    # Longer: the AND of its 3-character pieces, which may lie apart: checked with icontains.
    assert query("校友会长") == ("'校友会' & '友会长'", False)
    assert query("Py") == ("'py':*", True)
    assert query("2024年") == ("'2024':* & '年':*", False)
    assert query("it's") == ("'it':* & 's':*", False)
    assert postgres_term("+++") is None


def test_three_character_pieces_that_are_not_adjacent_never_match(org_tree, college_admin):
    # 校友会 and 友会长 both occur, 校友会长 never: the icontains check drops the article.
    _published(college_admin, org_tree.college, "通知", "<p>校友会议，朋友会长谈。</p>")
    _published(college_admin, org_tree.college, "任命", "<p>新任校友会长致辞。</p>")
    assert _titles("校友会长") == ["任命"]
    assert _titles("朋友会长") == ["通知"]


def test_two_character_term_inside_a_longer_word(corpus):
    assert _titles("校友") == ["校友会换届", "母校来信", "秋季招聘"]
    assert _titles("友会") == ["校友会换届", "母校来信"]  # 校友会 and 朋友会
    assert _titles("换届") == ["校友会换届"]
    assert _titles("校") == ["校友会换届", "母校来信", "秋季招聘"]


def test_phrase_of_three_or_more_characters(corpus):
    assert _titles("校友会") == ["校友会换届"]
    assert _titles("工程师专场") == ["秋季招聘"]
    assert _titles("2024年度") == ["图书馆开放"]


def test_pieces_that_are_not_adjacent_never_match(corpus):
    # 母校来信 holds 校友 and 友会 (in 朋友会) apart: not 校友会. 理事 + 事会: 理事会 only.
    assert _titles("校友会") == ["校友会换届"]
    assert _titles("友会记") == ["母校来信"]
    assert _titles("理事会产") == ["校友会换届"]
    assert _titles("会产生理") == []


def test_latin_words_case_insensitive_and_prefixes(corpus):
    assert _titles("python") == ["秋季招聘"]
    assert _titles("PYTHON") == ["秋季招聘"]
    assert _titles("Djan") == ["秋季招聘"]
    assert _titles("c++") == ["C++ 讲座"]
    assert _titles("c++入门") == []  # the space between them is part of the term's text


def test_several_terms_all_required(corpus):
    assert _titles("校友 招聘") == ["秋季招聘"]
    assert _titles("招聘 python") == ["秋季招聘"]
    assert _titles("校友 图书馆") == []
    assert _titles("不存在的词") == []


def test_phrases_never_span_title_and_body(org_tree, college_admin):
    _published(college_admin, org_tree.college, "返校", "<p>日程安排</p>")
    assert _titles("返校") == ["返校"]
    assert _titles("校日") == []


def test_editing_the_body_moves_the_article_in_results(corpus, college_admin):
    article = corpus["图书馆开放"]
    services.article_update(actor=college_admin, article=article, body="<p>新增自习室。</p>")
    assert _titles("借阅") == []
    assert _titles("自习室") == ["图书馆开放"]
    services.article_update(actor=college_admin, article=article, title="自习室开放")
    assert _titles("图书馆") == []
    assert _titles("自习室") == ["自习室开放"]
    first = article.revisions.get(number=1)
    services.revision_restore(actor=college_admin, revision=first)
    assert _titles("借阅") == ["图书馆开放"]
    assert _titles("自习室") == []


def test_deleted_and_unpublished_articles_stay_out_of_the_hall(corpus, org_tree, college_admin):
    services.article_delete(actor=college_admin, article=corpus["秋季招聘"])
    services.article_create(
        actor=college_admin, org=org_tree.college, title="草稿招聘", body="<p>招聘</p>"
    )
    assert _titles("招聘") == []
    console = selectors.search(selectors.articles_console(college_admin), "招聘")
    assert sorted(article.title for article in console) == ["秋季招聘", "草稿招聘"]


def test_results_keep_the_callers_order(corpus, college_admin):
    services.article_pin(actor=college_admin, article=corpus["母校来信"])
    found = selectors.search(selectors.articles_published(), "校友")
    assert [article.title for article in found] == ["母校来信", "秋季招聘", "校友会换届"]


def test_a_long_body_is_found_everywhere(org_tree, college_admin):
    # PostgreSQL keeps a body in overlapping parts (about two pieces a CJK character): a phrase
    # across a part boundary is found.
    filler = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏" * 2000
    boundary = (search_articles.PART_TOKENS - search_articles.PART_OVERLAP) // 2 - 2
    body = filler[:boundary] + "校友返校日" + filler[: search_articles.PART_TOKENS] + "末尾"
    _published(college_admin, org_tree.college, "长文", f"<p>{body}</p>")
    assert _titles("校友返校日") == ["长文"]
    assert _titles("末尾") == ["长文"]


def test_rebuild_and_hard_deletes_keep_the_index_consistent(corpus, org_tree, college_admin):
    assert search_articles.articles_search_rebuild() == Article.objects.count()
    assert _titles("校友会") == ["校友会换届"]
    # A hard delete (the organization's cascade) leaves nothing behind once indexing runs again.
    Article.objects.filter(pk=corpus["校友会换届"].pk).delete()
    _published(college_admin, org_tree.college, "新闻", "<p>校友会成立</p>")
    assert _titles("校友会") == ["新闻"]
    assert search_articles.articles_search_index([]) == 0
