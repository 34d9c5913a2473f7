"""Console and hall pages of articles: lists (query counts, filters, bulk actions), the edit
form (publish now or later, sanitized body), attachments, revisions and restore, comment
moderation, categories; the hall list with a 2-character search and empty state, the detail
(view count, source, share card, comments) and the home section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.organizations.org_support import console_login
from xiaoyou.content.models import (
    Article,
    ArticleCategory,
    ArticleComment,
    ArticleStatus,
    CommentStatus,
)
from xiaoyou.content.services import article_comments, article_files
from xiaoyou.content.services import articles as services


def _zh(message: str) -> str:
    """The text as the pages show it (zh-hans, the default language)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _published(actor, org, title="校友新闻", body="<p>正文内容</p>", **fields) -> Article:
    article = services.article_create(actor=actor, org=org, title=title, body=body, **fields)
    return services.article_publish(actor=actor, article=article)


# --- Console -----------------------------------------------------------------------------------


def test_console_list_is_scoped_filtered_and_has_a_fixed_query_count(
    client, org_tree, college_admin, platform_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    _published(college_admin, org_tree.college, title="学院新闻")
    _published(platform_admin, org_tree.other_college, title="别的学院")
    url = reverse("console:content_articles")
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert [row.obj.title for row in response.context["table"].rows] == ["学院新闻"]
    category = services.category_create(actor=college_admin, org=org_tree.club, name="赛事")
    for index in range(8):
        services.article_create(
            actor=college_admin, org=org_tree.club, title=f"俱乐部{index}", category=category.pk
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 9
    drafts = client.get(url, {"status": "draft", "category": str(category.pk)})
    assert len(drafts.context["table"].rows) == 8
    assert (
        client.get(url, {"org": str(org_tree.college.pk)}).context["table"].rows[0].obj.title
        == "学院新闻"
    )


def test_console_bulk_pin_recommend_delete_restore(client, org_tree, college_admin, platform_admin):
    console_login(client, college_admin)
    mine = _published(college_admin, org_tree.college, title="甲")
    other = _published(platform_admin, org_tree.other_college, title="乙")
    url = reverse("console:content_article_bulk")
    for action in ("pin", "recommend"):
        client.post(url, {"action": action, "ids": [mine.pk, other.pk]})
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.is_pinned, mine.is_recommended) == (True, True)
    assert (other.is_pinned, other.is_recommended) == (False, False)  # not theirs: dropped
    client.post(url, {"action": "delete", "ids": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == ArticleStatus.DELETED
    client.post(url, {"action": "restore", "ids": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == ArticleStatus.PUBLISHED


def test_console_create_publish_now_and_later(client, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.get(reverse("console:content_article_create"))
    assert response.status_code == 200
    assert b"article_editor.js" in response.content
    response = client.post(
        reverse("console:content_article_create"),
        {
            "org": org_tree.college.pk,
            "title": "返校通知",
            "source": "学院办公室",
            "body": '<p>欢迎<img src="a.png" onerror="x()"></p><script>bad()</script>',
            "allows_comments": "on",
            "mode": "publish",
        },
    )
    article = Article.objects.get(title="返校通知")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:content_article_edit", args=[article.pk])
    assert article.status == ArticleStatus.PUBLISHED
    assert article.body == '<p>欢迎<img src="a.png"></p>'
    when = timezone.localtime() + dt.timedelta(days=2)
    client.post(
        reverse("console:content_article_create"),
        {
            "org": org_tree.college.pk,
            "title": "讲座预告",
            "body": "<p>周五讲座</p>",
            "publish_at": when.strftime("%Y-%m-%dT%H:%M"),
            "mode": "schedule",
        },
    )
    scheduled = Article.objects.get(title="讲座预告")
    assert scheduled.status == ArticleStatus.SCHEDULED
    assert scheduled.publish_at == when.replace(second=0, microsecond=0)


def test_console_edit_attachment_revisions_and_restore(client, org_tree, college_admin):
    console_login(client, college_admin)
    article = services.article_create(
        actor=college_admin, org=org_tree.college, title="初稿", body="<p>一</p>"
    )
    url = reverse("console:content_article_edit", args=[article.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"title": "二稿", "body": "<p>二</p>", "mode": "draft"})
    article.refresh_from_db()
    assert (article.title, article.status) == ("二稿", ArticleStatus.DRAFT)
    upload = SimpleUploadedFile("议程.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    client.post(
        reverse("console:content_article_attachment_upload", args=[article.pk]), {"file": upload}
    )
    assert list(article.attachments.values_list("original_name", "kind")) == [("议程.pdf", "pdf")]
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(
        reverse("console:content_article_attachment_upload", args=[article.pk]),
        {"file": bad},
        follow=True,
    )
    assert (
        _zh("Attach PDF, Word, Excel or PowerPoint documents or images (JPEG, PNG, WebP, GIF).")
        in response.content.decode()
    )
    assert article.attachments.count() == 1
    page = client.get(reverse("console:content_article_revisions", args=[article.pk]))
    assert [item.number for item in page.context["revisions"]] == [2, 1]
    first = page.context["revisions"][1]
    client.post(reverse("console:content_article_revision_restore", args=[first.pk]))
    article.refresh_from_db()
    assert (article.title, article.body) == ("初稿", "<p>一</p>")
    assert article.revisions.count() == 3


def test_console_comment_moderation(client, org_tree, college_admin, verified_alumnus):
    console_login(client, college_admin)
    article = _published(college_admin, org_tree.college)
    comment = article_comments.comment_post(actor=verified_alumnus, article=article, body="写得好")
    page = client.get(reverse("console:content_article_comments", args=[article.pk]))
    assert [item.body for item in page.context["page"].object_list] == ["写得好"]
    client.post(
        reverse("console:content_article_comment_moderate", args=[comment.pk]),
        {"action": "approve"},
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_console_categories(client, org_tree, college_admin):
    console_login(client, college_admin)
    url = reverse("console:content_article_categories")
    client.post(url, {"org": org_tree.college.pk, "name": "学院要闻", "position": 1})
    response = client.get(url)
    assert [category.name for category in response.context["categories"]] == ["学院要闻"]
    response = client.post(url, {"org": org_tree.college.pk, "name": "学院要闻"})
    assert list(response.context["form"].errors) == ["name"]
    # Another organization's id in the form is refused.
    response = client.post(url, {"org": org_tree.regional.pk, "name": "上海"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["org"]
    assert ArticleCategory.objects.count() == 1


def test_console_pages_closed_to_alumni(client, org_tree, college_admin, verified_alumnus):
    article = _published(college_admin, org_tree.college)
    client.force_login(verified_alumnus)
    response = client.get(reverse("console:content_article_edit", args=[article.pk]))
    assert response.status_code in (302, 403)


# --- Hall ------------------------------------------------------------------------------------------


def test_hall_list_search_with_two_characters_and_empty_state(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    url = reverse("hall:content_articles")
    response = client.get(url)
    assert _zh("No news yet") in response.content.decode()
    _published(college_admin, org_tree.college, title="校友招聘会", body="<p>秋季</p>")
    _published(college_admin, org_tree.college, title="返校日", body="<p>招聘讲座</p>")
    _published(college_admin, org_tree.college, title="图书馆", body="<p>开放</p>")
    services.article_create(actor=college_admin, org=org_tree.college, title="招聘草稿")
    response = client.get(url, {"q": "招聘"})
    assert sorted(item.title for item in response.context["page"].object_list) == [
        "校友招聘会",
        "返校日",
    ]
    response = client.get(url, {"q": "足球"})
    assert _zh("No news found") in response.content.decode()
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for index in range(10):
        _published(college_admin, org_tree.college, title=f"新闻{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 13


def test_hall_search_count_stops_at_the_cap_with_a_hint(
    client, org_tree, college_admin, monkeypatch
):
    from xiaoyou.core import paginator

    monkeypatch.setattr(paginator, "COUNT_CAP", 25)
    for index in range(27):
        _published(college_admin, org_tree.college, title=f"校友活动{index}")
    url = reverse("hall:content_articles")
    response = client.get(url, {"q": "活动"})
    page = response.context["page"]
    # 27 match; the pages reach the first 25 and say that there are more.
    assert (page.paginator.count, page.paginator.num_pages, page.paginator.is_capped) == (
        25,
        2,
        True,
    )
    assert len(page.object_list) == 20
    hint = _zh("More than %(count)s articles match. Add another keyword to narrow the search.")
    hint %= {"count": 25}
    assert hint in response.content.decode()
    last = client.get(url, {"q": "活动", "page": 2}).context["page"]
    assert len(last.object_list) == 5 and not last.has_next()
    # A narrower search is counted exactly, without the hint; the plain list is never capped.
    response = client.get(url, {"q": "校友活动1"})
    assert response.context["page"].paginator.count == 11
    assert not response.context["page"].paginator.is_capped
    assert hint not in response.content.decode()
    assert client.get(url).context["page"].paginator.count == 27


def test_hall_list_by_category(client, org_tree, college_admin):
    category = services.category_create(actor=college_admin, org=org_tree.college, name="通知")
    _published(college_admin, org_tree.college, title="分类文章", category=category.pk)
    _published(college_admin, org_tree.college, title="无分类")
    response = client.get(reverse("hall:content_articles"), {"category": category.pk})
    assert [item.title for item in response.context["page"].object_list] == ["分类文章"]
    assert [item.name for item in response.context["categories"]] == ["通知"]


def test_hall_detail_counts_views_and_shows_source_and_share_card(
    client, org_tree, college_admin, verified_alumnus
):
    article = _published(
        college_admin, org_tree.college, title="校庆", source="校友总会", author_name="王芳"
    )
    url = reverse("hall:content_article", args=[article.pk])
    for expected in (1, 2):
        response = client.get(url)
        assert response.context["article"].view_count == expected
    html = response.content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "Source: 校友总会</span>" in html and "Author: 王芳</span>" in html
    assert "<span data-views>3 views</span>" in html
    assert response.context["share_card"].title == "校庆"
    assert 'property="og:title"' in html
    article.refresh_from_db()
    assert article.view_count == 3
    # A draft is not shown in the hall, and a deleted article is gone.
    draft = services.article_create(actor=college_admin, org=org_tree.college, title="草稿")
    assert client.get(reverse("hall:content_article", args=[draft.pk])).status_code == 404
    services.article_delete(actor=college_admin, article=article)
    assert client.get(url).status_code == 404


def test_hall_comment_waits_then_shows(client, org_tree, college_admin, verified_alumnus):
    article = _published(college_admin, org_tree.college)
    url = reverse("hall:content_article_comment", args=[article.pk])
    response = client.post(url, {"body": "匿名"})
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    client.force_login(verified_alumnus)
    client.post(url, {"body": "很好的文章"})
    comment = ArticleComment.objects.get()
    detail = client.get(reverse("hall:content_article", args=[article.pk]))
    assert detail.context["comments"] == [] and detail.context["my_pending"] == [comment]
    article_comments.comment_moderate(actor=college_admin, comment=comment, action="approve")
    detail = client.get(reverse("hall:content_article", args=[article.pk]))
    assert [item.body for item in detail.context["comments"]] == ["很好的文章"]


def test_hall_attachment_download_keeps_the_name(client, org_tree, college_admin):
    article = services.article_create(
        actor=college_admin, org=org_tree.college, title="附件", body="<p>见附件</p>"
    )
    attachment = article_files.attachment_add(
        actor=college_admin,
        article=article,
        upload=SimpleUploadedFile("报名表.pdf", b"%PDF-1.4\n"),
    )
    url = reverse("hall:content_article_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404  # not published yet
    services.article_publish(actor=college_admin, article=article)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert "filename*=utf-8''%E6%8A%A5%E5%90%8D%E8%A1%A8.pdf" in response["Content-Disposition"]


def test_home_section_shows_recommended_first_and_is_rebuilt_on_change(
    client, org_tree, college_admin, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    assert 'data-section="content_articles"' not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        older = _published(college_admin, org_tree.college, title="推荐")
        _published(college_admin, org_tree.college, title="最新")
    html = client.get("/").content.decode()
    assert 'data-section="content_articles"' in html
    assert html.index("最新") < html.index("推荐")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_recommend(actor=college_admin, article=older)
    html = client.get("/").content.decode()
    assert html.index("推荐") < html.index("最新")


def test_detail_and_edit_pages_keep_their_query_count(
    client, org_tree, college_admin, verified_alumnus, django_assert_max_num_queries
):
    article = _published(college_admin, org_tree.college)
    url = reverse("hall:content_article", args=[article.pk])
    client.force_login(verified_alumnus)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(6):
        comment = article_comments.comment_post(
            actor=verified_alumnus, article=article, body=f"评论{index}"
        )
        article_comments.comment_moderate(actor=college_admin, comment=comment, action="approve")
        article_files.attachment_add(
            actor=college_admin,
            article=article,
            upload=SimpleUploadedFile(f"{index}.pdf", b"%PDF-1.4\n"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["comments"]) == 6 and len(response.context["attachments"]) == 6
    console_login(client, college_admin)
    edit = reverse("console:content_article_edit", args=[article.pk])
    with django_assert_max_num_queries(60) as few:
        client.get(edit)
    for index in range(5):
        services.article_update(actor=college_admin, article=article, title=f"第{index}版")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(edit)
    revisions = reverse("console:content_article_revisions", args=[article.pk])
    with django_assert_max_num_queries(60) as few:
        client.get(revisions)
    for index in range(5):
        services.article_update(actor=college_admin, article=article, body=f"<p>{index}</p>")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(revisions)
    assert [item.number for item in response.context["revisions"]][:2] == [11, 10]
