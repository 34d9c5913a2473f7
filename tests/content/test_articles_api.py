"""API of articles: the published list (category, 2-character Chinese search, pagination), an
article with its attachments and its view counted, categories, comments (posted ones wait for
approval), and the console's writing, publishing, submitting, deleting with the same rules."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from tests.content.images import png_bytes
from tests.factories import UserFactory
from xiaoyou.content.models import Article, ArticleComment, ArticleStatus, CommentStatus
from xiaoyou.content.services import article_files
from xiaoyou.content.services import articles as services
from xiaoyou.core.models import AuditEntry, ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide
from xiaoyou.organizations.models import Role
from xiaoyou.organizations.services import role_grant

pytestmark = pytest.mark.django_db

API = "/api/v1/content"
# A list page costs the same few queries whatever its length (no query per row).
QUERIES = 10


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def _published(actor, org, title: str, body: str = "<p>欢迎各位校友回家。</p>", **fields):
    article = services.article_create(actor=actor, org=org, title=title, body=body, **fields)
    return services.article_publish(actor=actor, article=article)


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def club_admin(org_tree):
    """Admin of the college's badminton club: a sub-organization of the college."""
    user = UserFactory(display_name="俱乐部管理员", is_staff=True)
    role_grant(actor=None, user=user, org=org_tree.club, role=Role.ADMIN)
    return user


# --- Reading ------------------------------------------------------------------------------------


def test_list_published_by_category_with_search_and_pagination(
    client, org_tree, college_admin, verified_alumnus, django_assert_max_num_queries
):
    news = services.category_create(actor=college_admin, org=org_tree.college, name="学院新闻")
    _published(college_admin, org_tree.college, "招聘会通知", body="<p>企业来校</p>")
    _published(college_admin, org_tree.college, "返校日", body="<p>欢迎校友回家</p>", category=news)
    services.article_create(actor=college_admin, org=org_tree.college, title="校友草稿")
    client.force_login(verified_alumnus)

    with django_assert_max_num_queries(QUERIES):
        body = client.get(f"{API}/articles").json()
    assert [item["title"] for item in body["items"]] == ["返校日", "招聘会通知"]
    assert body["items"][0]["category_name"] == "学院新闻"
    assert body["items"][0]["excerpt"] == "欢迎校友回家"
    # 2-character Chinese terms, in the body or the title.
    assert _titles(client.get(f"{API}/articles", {"q": "校友"})) == ["返校日"]
    assert _titles(client.get(f"{API}/articles", {"q": "招聘"})) == ["招聘会通知"]
    assert _titles(client.get(f"{API}/articles", {"q": "校友 企业"})) == []
    assert _titles(client.get(f"{API}/articles", {"category_id": news.pk})) == ["返校日"]
    page = client.get(f"{API}/articles", {"page_size": 1, "page": 2}).json()
    assert (page["count"], [item["title"] for item in page["items"]]) == (2, ["招聘会通知"])
    assert page["count_capped"] is False

    for index in range(8):
        _published(college_admin, org_tree.college, f"新闻{index}", category=news)
    with django_assert_max_num_queries(QUERIES):
        assert len(_titles(client.get(f"{API}/articles"))) == 10
    # A search matching more than the cap: the count stops there and says so.
    from xiaoyou.core import paginator

    paginator.COUNT_CAP, cap = 4, paginator.COUNT_CAP
    try:
        page = client.get(f"{API}/articles", {"q": "新闻", "page_size": 3, "page": 2}).json()
    finally:
        paginator.COUNT_CAP = cap
    assert (page["count"], page["count_capped"], len(page["items"])) == (4, True, 1)

    categories = client.get(f"{API}/article-categories").json()
    assert [(item["name"], item["article_count"]) for item in categories] == [("学院新闻", 9)]


def test_detail_counts_a_view_and_lists_attachments(
    client, org_tree, college_admin, verified_alumnus
):
    article = services.article_create(
        actor=college_admin,
        org=org_tree.college,
        title="返校日",
        body='<p onclick="x()">欢迎<script>alert(1)</script></p>',
        source="校友总会",
    )
    attachment = article_files.attachment_add(
        actor=college_admin,
        article=article,
        upload=SimpleUploadedFile("日程.png", png_bytes(), content_type="image/png"),
    )
    services.article_publish(actor=college_admin, article=article)
    client.force_login(verified_alumnus)
    body = client.get(f"{API}/articles/{article.pk}").json()
    assert (body["title"], body["body"], body["source"], body["view_count"]) == (
        "返校日",
        "<p>欢迎</p>",
        "校友总会",
        1,
    )
    assert body["attachments"] == [
        {
            "id": attachment.pk,
            "name": "日程.png",
            "kind": "png",
            "size": attachment.size,
            "url": f"/content/articles/attachments/{attachment.pk}",
        }
    ]
    assert body["may_comment"] is True
    assert client.get(f"{API}/articles/{article.pk}").json()["view_count"] == 2
    article.refresh_from_db()
    assert article.view_count == 2


def test_drafts_are_404_except_for_their_writers(client, org_tree, college_admin, outsider):
    draft = services.article_create(actor=college_admin, org=org_tree.college, title="草稿")
    client.force_login(outsider)
    response = client.get(f"{API}/articles/{draft.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/articles/{draft.pk}/comments").status_code == 404
    client.force_login(college_admin)
    body = client.get(f"{API}/articles/{draft.pk}").json()
    assert (body["status"], body["view_count"]) == ("draft", 0)
    assert client.get(f"{API}/articles").json()["count"] == 0


def test_anonymous_gets_401(client, org_tree, college_admin):
    article = _published(college_admin, org_tree.college, "返校日")
    assert client.get(f"{API}/articles").status_code == 401
    assert client.get(f"{API}/articles/{article.pk}").status_code == 401


# --- Comments -----------------------------------------------------------------------------------


def test_a_comment_waits_for_approval(client, org_tree, college_admin, verified_alumnus):
    article = _published(college_admin, org_tree.college, "返校日")
    client.force_login(verified_alumnus)
    url = f"{API}/articles/{article.pk}/comments"
    response = client.post(url, {"body": " 期待！ "}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["body"]) == ("pending", "期待！")
    comment = ArticleComment.objects.get()
    assert (comment.author, comment.status) == (verified_alumnus, CommentStatus.PENDING)
    item = ReviewItem.objects.get(kind="content.article_comment")
    assert item.status == ReviewStatus.PENDING
    assert client.get(url).json()["count"] == 0
    mine = client.get(f"{API}/articles/{article.pk}").json()["my_pending_comments"]
    assert [row["id"] for row in mine] == [comment.pk]

    review_decide(item=item, actor=college_admin, approved=True)
    listed = client.get(url).json()
    assert [(row["body"], row["status"]) for row in listed["items"]] == [("期待！", "published")]
    assert client.get(f"{API}/articles/{article.pk}").json()["my_pending_comments"] == []


def test_comment_refusals(client, org_tree, college_admin, verified_alumnus):
    closed = _published(college_admin, org_tree.college, "不可评论", allows_comments=False)
    open_article = _published(college_admin, org_tree.college, "可评论")
    client.force_login(verified_alumnus)
    refused = client.post(
        f"{API}/articles/{closed.pk}/comments", {"body": "你好"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == _zh("You do not have permission to do this.")
    blank = client.post(
        f"{API}/articles/{open_article.pk}/comments",
        {"body": "   "},
        content_type="application/json",
    )
    assert blank.status_code == 400
    assert blank.json()["error"]["message"] == _zh("Please write a comment.")
    too_long = client.post(
        f"{API}/articles/{open_article.pk}/comments",
        {"body": "长" * 501},
        content_type="application/json",
    )
    assert too_long.status_code == 422
    assert not ArticleComment.objects.exists()


# --- Console ------------------------------------------------------------------------------------


def test_admin_writes_updates_publishes_deletes_and_restores(client, org_tree, college_admin):
    client.force_login(college_admin)
    orgs = client.get(f"{API}/console/article-organizations").json()
    assert {(row["id"], row["manages"]) for row in orgs} >= {(org_tree.college.pk, True)}
    created = client.post(
        f"{API}/console/articles",
        {"org_id": org_tree.college.pk, "title": "返校日", "body": "<p>欢迎</p><script>x</script>"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["body"], body["may_edit"], body["may_manage"]) == (
        "draft",
        "<p>欢迎</p>",
        True,
        True,
    )
    url = f"{API}/console/articles/{body['id']}"
    updated = client.patch(url, {"title": "返校日通知"}, content_type="application/json")
    assert updated.json()["title"] == "返校日通知"
    assert client.patch(url, {"title": None}, content_type="application/json").status_code == 422
    published = client.post(f"{url}/publish", {}, content_type="application/json")
    assert published.json()["status"] == "published"
    again = client.post(f"{url}/publish", {}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["error"]["message"] == _zh(
        "This cannot be done to the article in its current status."
    )
    assert client.delete(url).json()["status"] == "deleted"
    assert client.post(f"{url}/restore").json()["status"] == "published"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "content.article.create",
        "content.article.update",
        "content.article.published",
        "content.article.deleted",
    } <= actions
    listed = client.get(f"{API}/console/articles", {"status": "published", "q": "返校"}).json()
    assert [item["title"] for item in listed["items"]] == ["返校日通知"]


def test_schedule_needs_a_future_time(client, org_tree, college_admin):
    draft = services.article_create(
        actor=college_admin, org=org_tree.college, title="预告", body="<p>周末</p>"
    )
    client.force_login(college_admin)
    url = f"{API}/console/articles/{draft.pk}/publish"
    past = client.post(url, {"publish_at": "2020-01-01T00:00:00Z"}, content_type="application/json")
    assert past.status_code == 400
    assert past.json()["error"]["message"] == _zh("Choose a publishing time in the future.")
    later = client.post(
        url, {"publish_at": "2099-01-01T00:00:00Z"}, content_type="application/json"
    )
    assert later.json()["status"] == "scheduled"


def test_another_organizations_admin_can_not_change_an_article(
    client, org_tree, college_admin, regional_admin
):
    published = _published(college_admin, org_tree.college, "学院新闻")
    draft = services.article_create(actor=college_admin, org=org_tree.college, title="草稿")
    client.force_login(regional_admin)
    refused = client.patch(
        f"{API}/console/articles/{published.pk}", {"title": "改"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert client.delete(f"{API}/console/articles/{published.pk}").status_code == 403
    assert client.get(f"{API}/console/articles/{published.pk}").status_code == 404
    assert (
        client.post(
            f"{API}/console/articles/{draft.pk}/publish", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/console/articles").json()["count"] == 0
    denied = client.post(
        f"{API}/console/articles",
        {"org_id": org_tree.college.pk, "title": "冒名"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.title, published.status, draft.status) == ("学院新闻", "published", "draft")


def test_sub_organization_article_is_submitted_not_published(
    client, org_tree, club_admin, college_admin
):
    client.force_login(club_admin)
    created = client.post(
        f"{API}/console/articles",
        {"org_id": org_tree.college.pk, "title": "俱乐部比赛", "body": "<p>羽毛球</p>"},
        content_type="application/json",
    ).json()
    assert (created["source_org_id"], created["may_manage"]) == (org_tree.club.pk, False)
    url = f"{API}/console/articles/{created['id']}"
    assert client.post(f"{url}/publish", {}, content_type="application/json").status_code == 403
    submitted = client.post(f"{url}/submit", {}, content_type="application/json")
    assert submitted.json()["status"] == "in_review"
    # Once submitted the writer may no longer edit it.
    assert client.patch(url, {"title": "改"}, content_type="application/json").status_code == 403
    item = ReviewItem.objects.get(kind="content.article", status=ReviewStatus.PENDING)
    review_decide(item=item, actor=college_admin, approved=True)
    assert Article.objects.get(pk=created["id"]).status == ArticleStatus.PUBLISHED


def test_console_list_is_paginated_and_scoped(client, org_tree, college_admin, regional_admin):
    for index in range(3):
        services.article_create(actor=college_admin, org=org_tree.college, title=f"学院{index}")
    services.article_create(actor=regional_admin, org=org_tree.regional, title="上海")
    client.force_login(college_admin)
    page = client.get(f"{API}/console/articles", {"page_size": 2}).json()
    assert (page["count"], [item["title"] for item in page["items"]]) == (3, ["学院2", "学院1"])
    assert client.get(f"{API}/console/articles", {"status": "lost"}).status_code == 422
