"""Articles (文章): services (sanitizing, revisions, publish now or later, review of a
sub-organization's article, pin/recommend, delete/restore, attachments, comments), search with a
2-character Chinese term, view counts, the periodic publisher, and permissions by persona."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.content.images import png_bytes
from tests.factories import UserFactory
from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.models import (
    Article,
    ArticleComment,
    ArticleRevision,
    ArticleStatus,
    CommentStatus,
)
from xiaoyou.content.services import article_comments, article_files
from xiaoyou.content.services import articles as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, ReviewItem, ReviewStatus
from xiaoyou.core.reviews import review_decide
from xiaoyou.organizations.models import Role
from xiaoyou.organizations.services import role_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_admin(org_tree):
    """Admin of the college's badminton club: a sub-organization of the college."""
    user = UserFactory(display_name="俱乐部管理员", is_staff=True)
    role_grant(actor=None, user=user, org=org_tree.club, role=Role.ADMIN)
    return user


def _article(actor, org, **fields) -> Article:
    fields.setdefault("title", "校友返校日")
    fields.setdefault("body", "<p>欢迎各位校友回家。</p>")
    return services.article_create(actor=actor, org=org, **fields)


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --- Writing and sanitizing ---------------------------------------------------------------------


def test_create_sanitizes_the_body_and_keeps_its_plain_text(org_tree, college_admin):
    article = _article(
        college_admin,
        org_tree.college,
        body=(
            '<p onclick="steal()">校友<script>alert(1)</script>新闻</p>'
            '<img src="x.png" onerror="alert(2)">'
            '<a href="javascript:alert(3)">链接</a><a href="https://example.com/">外链</a>'
            "<style>p{}</style>"
        ),
        source="校友总会办公室",
        author_name="李明",
    )
    article.refresh_from_db()
    assert article.body == (
        '<p>校友新闻</p><img src="x.png"><a rel="noopener noreferrer">链接</a>'
        '<a href="https://example.com/" rel="noopener noreferrer">外链</a>'
    )
    assert article.body_text == "校友新闻链接外链"
    assert article.status == ArticleStatus.DRAFT
    assert article.source == "校友总会办公室"
    assert article.author_name == "李明"
    assert article.source_org is None
    assert list(article.revisions.values_list("number", "title")) == [(1, "校友返校日")]
    assert (
        AuditEntry.objects.filter(action="content.article.create", org=org_tree.college).count()
        == 1
    )


def test_bad_input_is_refused(org_tree, college_admin):
    with pytest.raises(ApplicationError) as error:
        _article(college_admin, org_tree.college, title="   ")
    assert error.value.code == "article_title_required"
    article = _article(college_admin, org_tree.college, body="<script>x()</script>")
    assert article.body == "" and article.body_text == ""
    with pytest.raises(ApplicationError) as error:
        services.article_publish(actor=college_admin, article=article)
    assert error.value.code == "article_body_required"


def test_a_category_of_another_organization_is_refused(org_tree, college_admin, platform_admin):
    other = services.category_create(actor=platform_admin, org=org_tree.other_college, name="动态")
    school = services.category_create(actor=platform_admin, org=org_tree.root, name="要闻")
    with pytest.raises(ApplicationError) as error:
        _article(college_admin, org_tree.college, category=other.pk)
    assert error.value.code == "article_category_invalid"
    # A category of an organization above is fine (a college uses the school's columns).
    assert _article(college_admin, org_tree.college, category=school.pk).category == school


def test_category_names_are_unique_per_organization(org_tree, college_admin, regional_admin):
    services.category_create(actor=college_admin, org=org_tree.college, name="通知")
    with pytest.raises(ApplicationError) as error:
        services.category_create(actor=college_admin, org=org_tree.college, name=" 通知 ")
    assert error.value.code == "article_category_exists"
    with pytest.raises(PermissionDenied):
        services.category_create(actor=regional_admin, org=org_tree.college, name="通知")


# --- Revisions --------------------------------------------------------------------------------


def test_each_edit_of_title_or_body_is_a_revision_and_one_can_be_restored(org_tree, college_admin):
    article = _article(college_admin, org_tree.college, title="初稿", body="<p>第一版</p>")
    services.article_update(actor=college_admin, article=article, body="<p>第二版</p>")
    # A change of the source only is no new revision.
    services.article_update(actor=college_admin, article=article, source="新华社")
    services.article_update(actor=college_admin, article=article, title="定稿")
    assert list(
        ArticleRevision.objects.filter(article=article).values_list("number", "title", "body")
    ) == [
        (3, "定稿", "<p>第二版</p>"),
        (2, "初稿", "<p>第二版</p>"),
        (1, "初稿", "<p>第一版</p>"),
    ]
    first = ArticleRevision.objects.get(article=article, number=1)
    services.revision_restore(actor=college_admin, revision=first)
    article.refresh_from_db()
    assert (article.title, article.body, article.body_text) == ("初稿", "<p>第一版</p>", "第一版")
    assert article.revisions.count() == 4
    assert AuditEntry.objects.filter(action="content.article.revision_restore").count() == 1


# --- Publishing -------------------------------------------------------------------------------


def test_publish_now_pin_recommend_delete_and_restore(org_tree, college_admin):
    article = _article(college_admin, org_tree.college)
    services.article_publish(actor=college_admin, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None
    services.article_pin(actor=college_admin, article=article)
    services.article_recommend(actor=college_admin, article=article)
    article.refresh_from_db()
    assert (article.is_pinned, article.is_recommended) == (True, True)
    services.article_delete(actor=college_admin, article=article)
    article.refresh_from_db()
    assert (article.status, article.status_before_delete, article.is_pinned) == (
        ArticleStatus.DELETED,
        ArticleStatus.PUBLISHED,
        False,
    )
    assert not selectors.articles_published().filter(pk=article.pk).exists()
    services.article_restore(actor=college_admin, article=article)
    article.refresh_from_db()
    assert (article.status, article.status_before_delete) == (ArticleStatus.PUBLISHED, "")
    with pytest.raises(ApplicationError) as error:
        services.article_restore(actor=college_admin, article=article)
    assert error.value.code == "article_wrong_status"
    actions = list(
        AuditEntry.objects.filter(action__startswith="content.article.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "content.article.create",
        "content.article.published",
        "content.article.is_pinned",
        "content.article.is_recommended",
        "content.article.deleted",
        "content.article.published",
    ]


def test_publish_later_by_the_periodic_task(org_tree, college_admin):
    article = _article(college_admin, org_tree.college)
    with pytest.raises(ApplicationError) as error:
        services.article_schedule(
            actor=college_admin, article=article, publish_at=timezone.now() - dt.timedelta(1)
        )
    assert error.value.code == "article_publish_at_past"
    when = timezone.now() + dt.timedelta(hours=2)
    services.article_schedule(actor=college_admin, article=article, publish_at=when)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED
    assert services.articles_publish_due() == 0
    assert not selectors.articles_published().exists()

    from xiaoyou.content.tasks_articles import articles_publish_due

    later = when + dt.timedelta(minutes=1)
    assert services.articles_publish_due(now=later) == 1
    # A second worker (or a second run) finds nothing left: one conditional UPDATE.
    assert services.articles_publish_due(now=later) == 0
    assert articles_publish_due.apply().get() == 0
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == when


def test_the_schedule_is_declared():
    from xiaoyou.core import schedules

    entry = {item.name: item for item in schedules.all_schedules()}["content.articles-publish-due"]
    assert (entry.task, entry.crontab) == ("xiaoyou.content.articles_publish_due", "* * * * *")


# --- Review of a sub-organization's article ---------------------------------------------------


def test_a_sub_organizations_article_goes_through_the_parents_review_queue(
    org_tree, club_admin, college_admin, regional_admin
):
    article = _article(club_admin, org_tree.college, title="俱乐部比赛")
    assert article.source_org == org_tree.club
    # The club's admin may not publish it themselves.
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=club_admin, article=article)
    services.article_submit_for_review(actor=club_admin, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    # In review, the author can no longer edit it.
    with pytest.raises(PermissionDenied):
        services.article_update(actor=club_admin, article=article, title="改")
    item = ReviewItem.objects.get(kind=services.ARTICLE_REVIEW_KIND)
    assert (item.org, item.summary, item.status) == (
        org_tree.college,
        "俱乐部比赛 (计算机学院羽毛球俱乐部)",
        ReviewStatus.PENDING,
    )
    with pytest.raises(PermissionDenied):
        review_decide(item=item, actor=regional_admin, approved=True)
    review_decide(item=item, actor=college_admin, approved=False, reason="请补充图片")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    # Back to draft: the author edits and submits again, with a publishing time ahead.
    services.article_update(actor=club_admin, article=article, body="<p>补充了图片</p>")
    when = timezone.now() + dt.timedelta(days=1)
    services.article_submit_for_review(actor=club_admin, article=article, publish_at=when)
    second = ReviewItem.objects.get(kind=services.ARTICLE_REVIEW_KIND, status=ReviewStatus.PENDING)
    review_decide(item=second, actor=college_admin, approved=True)
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (ArticleStatus.SCHEDULED, when)
    assert services.articles_publish_due(now=when) == 1


def test_deleting_an_article_in_review_takes_it_out_of_the_to_do_queue(
    org_tree, club_admin, college_admin
):
    from xiaoyou.core import reviews
    from xiaoyou.core.models import AuditEntry

    article = _article(club_admin, org_tree.college, title="撤回的稿件")
    services.article_submit_for_review(actor=club_admin, article=article)
    assert reviews.pending_count_for(college_admin) == 1
    services.article_delete(actor=college_admin, article=article)
    item = ReviewItem.objects.get(kind=services.ARTICLE_REVIEW_KIND)
    assert (item.status, item.decided_by) == (ReviewStatus.WITHDRAWN, college_admin)
    college_admin._xiaoyou_pending_reviews = None
    assert reviews.pending_count_for(college_admin) == 0
    assert not reviews.pending_for(college_admin).exists()
    assert AuditEntry.objects.filter(action="review.withdraw", object_id=str(item.pk)).exists()
    # Restored, it is a draft its author submits again: a new pending item.
    services.article_restore(actor=college_admin, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    services.article_submit_for_review(actor=club_admin, article=article)
    assert (
        ReviewItem.objects.filter(
            kind=services.ARTICLE_REVIEW_KIND, status=ReviewStatus.PENDING
        ).count()
        == 1
    )


def test_approval_publishes_at_once_without_a_publishing_time(org_tree, club_admin, platform_admin):
    article = _article(club_admin, org_tree.college)
    services.article_submit_for_review(actor=club_admin, article=article)
    review_decide(
        item=ReviewItem.objects.get(kind=services.ARTICLE_REVIEW_KIND),
        actor=platform_admin,
        approved=True,
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None


def test_who_may_write_for_whom(
    org_tree, college_admin, regional_admin, club_admin, verified_alumnus
):
    # An admin of a sibling or unrelated organization writes nothing for the college.
    for user in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            _article(user, org_tree.college)
    # The college admin writes for the college and its club, not for the school above it.
    assert _article(college_admin, org_tree.club).status == ArticleStatus.DRAFT
    submission = _article(college_admin, org_tree.root)
    assert submission.source_org == org_tree.college
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=college_admin, article=submission)
    # The club admin cannot write for the club's sibling or for the school (two levels up is
    # still a sub-organization: allowed as a submission).
    with pytest.raises(PermissionDenied):
        _article(club_admin, org_tree.other_college)
    assert _article(club_admin, org_tree.root).source_org == org_tree.club


# --- Attachments --------------------------------------------------------------------------------


def test_attachments_by_real_type_renamed_on_disk(org_tree, college_admin):
    article = _article(college_admin, org_tree.college)
    pdf = article_files.attachment_add(
        actor=college_admin,
        article=article,
        upload=SimpleUploadedFile("通知.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf"),
    )
    docx = article_files.attachment_add(
        actor=college_admin,
        article=article,
        upload=SimpleUploadedFile("报名表.docx", _docx_bytes()),
    )
    image = article_files.attachment_add(
        actor=college_admin,
        article=article,
        upload=SimpleUploadedFile("photo.html", png_bytes()),
    )
    assert [(item.kind, item.original_name) for item in (pdf, docx, image)] == [
        ("pdf", "通知.pdf"),
        ("docx", "报名表.docx"),
        ("png", "photo.html"),
    ]
    assert pdf.file.name.startswith("content/articles/files/") and pdf.file.name.endswith(".pdf")
    assert "通知" not in pdf.file.name
    assert image.file.name.endswith(".png")
    for name, content in (
        ("evil.pdf", b"<script>alert(1)</script>"),
        ("fake.docx", b"PK\x03\x04not really a zip"),
        ("notes.txt", b"hello"),
        ("sheet.xlsx", _docx_bytes()),  # a Word document named .xlsx
    ):
        with pytest.raises(ApplicationError) as error:
            article_files.attachment_add(
                actor=college_admin, article=article, upload=SimpleUploadedFile(name, content)
            )
        assert error.value.code == "article_file_type", name
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 10)
    big.size = article_files.ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(ApplicationError) as error:
        article_files.attachment_add(actor=college_admin, article=article, upload=big)
    assert error.value.code == "article_file_too_large"
    assert article.attachments.count() == 3


# --- Search and views ----------------------------------------------------------------------------


def test_search_finds_a_two_character_chinese_term_in_title_or_body(org_tree, college_admin):
    titles = {
        "校友招聘会": "<p>秋季专场</p>",
        "返校日安排": "<p>欢迎参加招聘讲座</p>",
        "图书馆开放": "<p>周末照常</p>",
    }
    for title, body in titles.items():
        services.article_publish(
            actor=college_admin,
            article=_article(college_admin, org_tree.college, title=title, body=body),
        )
    found = selectors.search(selectors.articles_published(), "招聘")
    assert sorted(article.title for article in found) == ["校友招聘会", "返校日安排"]
    both = selectors.search(selectors.articles_published(), "招聘 秋季")
    assert [article.title for article in both] == ["校友招聘会"]
    assert not selectors.search(selectors.articles_published(), "足球").exists()


def test_view_count_moves_by_update(org_tree, college_admin):
    article = _article(college_admin, org_tree.college)
    for _ in range(3):
        services.article_view(article=article)
    article.refresh_from_db()
    assert article.view_count == 3


# --- Comments ----------------------------------------------------------------------------------


def test_comments_wait_for_approval(org_tree, college_admin, verified_alumnus, regional_admin):
    article = _article(college_admin, org_tree.college)
    with pytest.raises(PermissionDenied):  # not published yet
        article_comments.comment_post(actor=verified_alumnus, article=article, body="好")
    services.article_publish(actor=college_admin, article=article)
    article.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        article_comments.comment_post(actor=verified_alumnus, article=article, body="   ")
    assert error.value.code == "article_comment_required"
    with pytest.raises(ApplicationError) as error:
        article_comments.comment_post(actor=verified_alumnus, article=article, body="长" * 501)
    assert error.value.code == "article_comment_too_long"
    comment = article_comments.comment_post(
        actor=verified_alumnus, article=article, body="期待返校！"
    )
    assert comment.status == CommentStatus.PENDING
    assert not selectors.comments_published(article).exists()
    item = ReviewItem.objects.get(kind=article_comments.COMMENT_REVIEW_KIND)
    assert (item.org, item.summary) == (org_tree.college, "校友返校日 — 期待返校！")
    with pytest.raises(PermissionDenied):
        article_comments.comment_moderate(actor=regional_admin, comment=comment, action="approve")
    article_comments.comment_moderate(actor=college_admin, comment=comment, action="approve")
    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED and item.status == ReviewStatus.APPROVED
    assert list(selectors.comments_published(article)) == [comment]
    article_comments.comment_moderate(actor=college_admin, comment=comment, action="hide")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    # Rejecting another one through the console decides its review item too.
    second = article_comments.comment_post(actor=verified_alumnus, article=article, body="广告")
    article_comments.comment_moderate(actor=college_admin, comment=second, action="reject")
    second.refresh_from_db()
    assert second.status == CommentStatus.REJECTED
    assert (
        ReviewItem.objects.get(
            object_id=str(second.pk), kind=article_comments.COMMENT_REVIEW_KIND
        ).status
        == ReviewStatus.REJECTED
    )
    with pytest.raises(ApplicationError):
        article_comments.comment_moderate(actor=college_admin, comment=second, action="explode")
    # Hiding a waiting comment withdraws its review item: nothing is left in the to-do list.
    third = article_comments.comment_post(actor=verified_alumnus, article=article, body="再看看")
    article_comments.comment_moderate(actor=college_admin, comment=third, action="hide")
    third.refresh_from_db()
    assert third.status == CommentStatus.REJECTED
    assert (
        ReviewItem.objects.get(
            object_id=str(third.pk), kind=article_comments.COMMENT_REVIEW_KIND
        ).status
        == ReviewStatus.WITHDRAWN
    )


def test_comments_closed(org_tree, college_admin, verified_alumnus):
    article = _article(college_admin, org_tree.college, allows_comments=False)
    services.article_publish(actor=college_admin, article=article)
    article.refresh_from_db()
    with pytest.raises(PermissionDenied):
        article_comments.comment_post(actor=verified_alumnus, article=article, body="好")
    assert ArticleComment.objects.count() == 0


# --- Permissions -----------------------------------------------------------------------------


def test_view_permission_by_status_and_persona(
    org_tree, college_admin, regional_admin, verified_alumnus, outsider, platform_admin
):
    from django.contrib.auth.models import AnonymousUser

    article = Article.objects.select_related("org").get(
        pk=_article(college_admin, org_tree.college).pk
    )
    assert [
        policy.can(user, "view", article)
        for user in (
            AnonymousUser(),
            outsider,
            verified_alumnus,
            regional_admin,
            college_admin,
            platform_admin,
        )
    ] == [False, False, False, False, True, True]
    services.article_publish(actor=college_admin, article=article)
    article.refresh_from_db()
    assert all(
        policy.can(user, "view", article)
        for user in (AnonymousUser(), outsider, verified_alumnus, regional_admin)
    )
    for user in (regional_admin, verified_alumnus, outsider):
        with pytest.raises(PermissionDenied):
            services.article_pin(actor=user, article=article)
        with pytest.raises(PermissionDenied):
            services.article_delete(actor=user, article=article)
    assert services.article_pin(actor=platform_admin, article=article).is_pinned is True


def test_cover_by_real_type_renamed_and_a_fake_image_refused(org_tree, college_admin):
    article = _article(
        college_admin, org_tree.college, cover=SimpleUploadedFile("封面.html", png_bytes())
    )
    article.refresh_from_db()
    assert article.cover.name.startswith("content/articles/covers/")
    assert article.cover.name.endswith(".png") and "封面" not in article.cover.name
    with pytest.raises(ApplicationError) as error:
        services.article_update(
            actor=college_admin,
            article=article,
            cover=SimpleUploadedFile("cover.jpg", b"this is text, not a JPEG"),
        )
    assert error.value.code == "invalid_input"
    services.article_update(actor=college_admin, article=article, remove_cover=True)
    article.refresh_from_db()
    assert not article.cover


def test_my_comments_are_in_download_my_data(org_tree, college_admin, verified_alumnus):
    from xiaoyou.content.ui_articles import my_article_comments
    from xiaoyou.core.registry import personal_data_exporters

    article = _article(college_admin, org_tree.college)
    services.article_publish(actor=college_admin, article=article)
    article.refresh_from_db()
    article_comments.comment_post(actor=verified_alumnus, article=article, body="我的评论")
    rows = my_article_comments(verified_alumnus)
    assert [(row["article"], row["comment"], row["status"]) for row in rows] == [
        ("校友返校日", "我的评论", "pending")
    ]
    assert personal_data_exporters.items["article_comments"].export is my_article_comments
    assert my_article_comments(college_admin) == []
