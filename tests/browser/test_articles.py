"""Browser journeys of articles (文章):
- a college admin writes an article in the console's editor, publishes it and attaches a PDF;
  on a phone an alumnus finds it with a 2-character search, opens it, sees the attachment and
  comments; the admin approves the comment; it shows to the alumnus;
- a club (sub-organization) admin submits an article for the college; the college admin
  approves it in the to-do list; it shows in the hall.
"""

from __future__ import annotations

import os

import pytest

from tests.factories import UserFactory
from xiaoyou.content.models import Article, ArticleComment, ArticleStatus, CommentStatus
from xiaoyou.core.models import ReviewItem
from xiaoyou.organizations.models import Role
from xiaoyou.organizations.services import role_grant

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_article_is_published_found_by_search_and_commented(
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    tmp_path,
    org_tree,
    college_admin,
    verified_alumnus,
):
    console = desktop_page
    sign_in(console, college_admin)
    console.goto("/console/content/articles/")
    console.locator('[data-action="new-article"]').click()
    console.wait_for_url("**/console/content/articles/new")
    console.fill("#id_title", "计算机学院校友招聘会")
    console.fill("#id_source", "学院校友办")
    console.fill("#id_author_name", "李明")
    editor = console.locator("[data-article-editor]")
    editor.click()
    console.keyboard.type("十月举办秋季专场，欢迎校友企业参加。")
    console.locator('[data-command="bold"]').click()
    console.keyboard.type("报名截止10月1日")
    screenshot(console, "articles-console-editor-desktop", full_page=True)
    console.locator('[data-action="publish"]').click()
    article = Article.objects.get()
    console.wait_for_url(f"**/console/content/articles/{article.pk}/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.body_text.startswith("十月举办秋季专场，欢迎校友企业参加。")
    assert "<b>报名截止10月1日</b>" in article.body or "<strong>" in article.body

    pdf = tmp_path / "招聘会议程.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% agenda\n")
    console.set_input_files("#id_file", str(pdf))
    console.locator('[data-action="attach"]').click()
    console.locator("[data-attachment]").first.wait_for()
    assert list(article.attachments.values_list("original_name", "kind")) == [
        ("招聘会议程.pdf", "pdf")
    ]

    # On a phone an alumnus finds it with a two-character search.
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto("/content/articles/")
    phone.fill('input[name="q"]', "招聘")
    phone.locator('[data-form="article-search"] button[type="submit"]').click()
    phone.wait_for_url("**/content/articles/?q=*")
    result = phone.locator(f'li[data-article="{article.pk}"]')
    result.wait_for()
    assert phone.locator("li[data-article]").count() == 1
    screenshot(phone, "articles-hall-search-mobile", full_page=True)
    result.locator("a.list-title").click()
    phone.wait_for_url(f"**/content/articles/{article.pk}/")
    assert "学院校友办" in phone.locator("[data-source]").inner_text()
    assert phone.locator("[data-attachment]").count() == 1
    phone.fill("#id_body", "期待参加！")
    phone.locator('[data-action="comment"]').click()
    phone.locator("[data-my-pending]").wait_for()
    comment = ArticleComment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert phone.locator("[data-comment]").count() == 0

    # The admin approves the comment on the article's comments page.
    console.goto(f"/console/content/articles/{article.pk}/comments/")
    console.locator(f'tr[data-comment="{comment.pk}"] [data-action="approve"]').click()
    console.locator(f'tr[data-comment="{comment.pk}"][data-status="published"]').wait_for()

    phone.reload()
    shown = phone.locator(f'[data-comment="{comment.pk}"]')
    shown.wait_for()
    assert "期待参加！" in shown.inner_text()
    screenshot(phone, "articles-hall-detail-mobile", full_page=True)
    article.refresh_from_db()
    assert article.view_count == 3  # opened, back after commenting, reloaded


def test_a_sub_organizations_article_goes_through_review(
    desktop_page, mobile_page, sign_in, org_tree, college_admin
):
    club_admin = UserFactory(display_name="俱乐部管理员", is_staff=True)
    role_grant(actor=None, user=club_admin, org=org_tree.club, role=Role.ADMIN)
    console = desktop_page
    sign_in(console, club_admin)
    console.goto("/console/content/articles/new")
    console.select_option("#id_org", str(org_tree.college.pk))
    console.fill("#id_title", "羽毛球赛报道")
    console.locator("[data-article-editor]").click()
    console.keyboard.type("俱乐部比赛圆满结束。")
    # A submission: no publish button, only "Submit for review".
    assert console.locator('[data-action="publish"]').is_hidden()
    assert console.locator('[data-action="submit"]').is_visible()
    console.locator('[data-action="submit"]').click()
    article = Article.objects.get()
    console.wait_for_url(f"**/console/content/articles/{article.pk}/")
    assert article.status == ArticleStatus.IN_REVIEW and article.source_org == org_tree.club

    console.context.clear_cookies()
    sign_in(console, college_admin)
    console.goto("/console/todos/")
    item = ReviewItem.objects.get(object_id=str(article.pk), kind="content.article")
    console.locator(f"#review-{item.pk} button[type='submit']").first.click()
    console.locator(f"#review-{item.pk}.review-approved").wait_for()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED

    mobile_page.goto("/content/articles/")
    assert mobile_page.locator(f'li[data-article="{article.pk}"]').count() == 1
