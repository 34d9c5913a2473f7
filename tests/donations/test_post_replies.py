"""捐赠人与受益人的社交圈, the donors' side: a donor of the project (a paid gift) replies to a
published beneficiary post; replies wait in the review queue, show under the post once
approved, and the post's author is told; non-donors cannot reply, another organization's admin
cannot moderate, a rate limit holds; the console's beneficiaries page moderates them too."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewItem, ReviewStatus
from xiaoyou.donations.models import PostReply, PostStatus
from xiaoyou.donations.services.community import beneficiary_add, post_create, post_moderate
from xiaoyou.donations.services.replies import REVIEW_KIND, reply_create, reply_moderate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def project(org_tree):
    return ProjectFactory(org=org_tree.club, title="励学奖学金")


@pytest.fixture
def student(project, college_admin):
    user = UserFactory(display_name="小林同学")
    beneficiary_add(actor=college_admin, project=project, user=user)
    return user


@pytest.fixture
def post(project, student, college_admin):
    created = post_create(actor=student, project=project, body="谢谢各位校友的资助")
    return post_moderate(actor=college_admin, post=created, action="publish")


@pytest.fixture
def donor(project, gateway, django_capture_on_commit_callbacks):
    user = UserFactory(display_name="陈校友")
    gift = give(project, user, amount=5000)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(gift)
    return user


def test_only_donors_reply_to_published_posts(
    project, post, donor, student, outsider, college_admin, org_tree
):
    pending_giver = UserFactory()
    give(project, pending_giver, amount=5000)  # started, never paid: not a donor
    other_donor = UserFactory()
    elsewhere = ProjectFactory(org=org_tree.other_college)
    from xiaoyou.donations.models import Donation, DonationStatus

    Donation.objects.create(
        project=elsewhere, user=other_donor, donor_name="x", amount=100, status=DonationStatus.PAID
    )
    for actor in (outsider, pending_giver, other_donor, student, college_admin):
        with pytest.raises(ApplicationError) as error:
            reply_create(actor=actor, post=post, body="加油")
        assert error.value.code == "donations.reply_not_donor"
    waiting = post_create(actor=student, project=project, body="还在审核")
    with pytest.raises(ApplicationError) as error:
        reply_create(actor=donor, post=waiting, body="加油")
    assert error.value.code == "donations.reply_not_donor"
    for body in ("   ", "长" * 501):
        with pytest.raises(ApplicationError):
            reply_create(actor=donor, post=post, body=body)
    reply = reply_create(actor=donor, post=post, body="  加油，好好学习！ ")
    assert (reply.body, reply.status, reply.author) == (
        "加油，好好学习！",
        PostStatus.PENDING,
        donor,
    )
    assert PostReply.objects.count() == 1


def test_moderation_through_the_review_queue_and_the_author_is_told(
    project, post, donor, student, college_admin, regional_admin
):
    reply = reply_create(actor=donor, post=post, body="为你骄傲")
    assert reviews.pending_for(regional_admin, kind=REVIEW_KIND).count() == 0
    item = reviews.pending_for(college_admin, kind=REVIEW_KIND).get()
    assert item.summary == "励学奖学金: 为你骄傲"
    assert any(value == "为你骄傲" for _, value in reviews.details_for(item))
    with pytest.raises(PermissionDenied):
        reviews.review_decide(item=item, actor=regional_admin, approved=True)
    with pytest.raises(PermissionDenied):
        reply_moderate(actor=regional_admin, reply=reply, action="publish")
    with pytest.raises(PermissionDenied):
        reply_moderate(actor=donor, reply=reply, action="publish")
    assert not Notification.objects.filter(user=student, kind="donations.post_reply").exists()
    reviews.review_decide(item=item, actor=college_admin, approved=True)
    reply.refresh_from_db()
    assert reply.status == PostStatus.PUBLISHED and reply.published_at is not None
    assert reply.moderated_by == college_admin
    told = Notification.objects.get(user=student, kind="donations.post_reply")
    assert told.url == reverse("hall:donation_project", args=[project.pk]) + f"#post-{post.pk}"
    assert "励学奖学金" in told.title
    # Hiding and publishing again tell nobody twice.
    reply_moderate(actor=college_admin, reply=reply, action="hide")
    reply_moderate(actor=college_admin, reply=reply, action="publish")
    assert Notification.objects.filter(user=student, kind="donations.post_reply").count() == 1
    # Moderating on the console page decides the queue item too.
    second = reply_create(actor=donor, post=post, body="不合适的话")
    with pytest.raises(ApplicationError) as error:
        reply_moderate(actor=college_admin, reply=second, action="wipe")
    assert error.value.code == "donations.post_action_unknown"
    reply_moderate(actor=college_admin, reply=second, action="reject")
    second.refresh_from_db()
    assert second.status == PostStatus.REJECTED
    decided = ReviewItem.objects.get(kind=REVIEW_KIND, object_id=str(second.pk))
    assert decided.status == ReviewStatus.REJECTED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"donations.post_reply.hide", "donations.post_reply.reject"} <= actions


def test_replies_are_rate_limited(post, donor):
    for index in range(5):
        reply_create(actor=donor, post=post, body=f"第{index}条")
    with pytest.raises(ApplicationError) as error:
        reply_create(actor=donor, post=post, body="太多了")
    assert error.value.code == "rate_limited" and error.value.status == 429
    assert PostReply.objects.count() == 5


def test_project_page_shows_approved_replies_and_the_form_to_donors(
    client, project, post, donor, college_admin, django_assert_max_num_queries
):
    url = reverse("hall:donation_project", args=[project.pk])
    shown = reply_create(actor=donor, post=post, body="已审核的回复")
    reply_create(actor=donor, post=post, body="待审核的回复")
    reply_moderate(actor=college_admin, reply=shown, action="publish")
    html = client.get(url).content.decode()
    assert "已审核的回复" in html and "待审核的回复" not in html
    assert "data-reply-form" not in html
    client.force_login(donor)
    html = client.get(url).content.decode()
    assert "data-reply-form" in html
    response = client.post(
        reverse("hall:donation_post_reply", args=[post.pk]), {"body": "网页回复"}
    )
    assert response["Location"] == f"{url}#post-{post.pk}"
    assert PostReply.objects.filter(body="网页回复", status=PostStatus.PENDING).exists()
    client.force_login(UserFactory())
    refused = client.post(reverse("hall:donation_post_reply", args=[post.pk]), {"body": "路人"})
    assert refused.status_code == 302 and not PostReply.objects.filter(body="路人").exists()
    # The page's queries do not grow with replies.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(4):
        more = PostReply.objects.create(post=post, author=donor, body=f"r{index}")
        more.status = PostStatus.PUBLISHED
        more.save(update_fields=["status"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_console_moderates_replies_in_scope(
    client, project, post, donor, college_admin, regional_admin
):
    reply = reply_create(actor=donor, post=post, body="控制台里的回复")
    url = reverse("console:donation_reply_moderate", args=[project.pk, reply.pk])
    console_login(client, regional_admin)
    assert client.post(url, {"action": "publish"}).status_code == 404
    console_login(client, college_admin)
    page = client.get(reverse("console:donation_beneficiaries", args=[project.pk])).content.decode()
    assert "控制台里的回复" in page and f'data-reply="{reply.pk}"' in page
    response = client.post(url, {"action": "publish"})
    assert response["Location"] == reverse("console:donation_beneficiaries", args=[project.pk])
    reply.refresh_from_db()
    assert reply.status == PostStatus.PUBLISHED
