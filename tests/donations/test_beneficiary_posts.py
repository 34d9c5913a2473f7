"""捐赠人与受益人的社交圈: staff name a project's beneficiaries; a beneficiary posts thanks with
an optional photo (checked, stored without metadata); posts wait in the review queue (console
to-do list) until staff publish them; published posts show on the project page and the donors
are told. Permissions with the personas, moderation both ways, bad input."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from tests.content.images import bomb_png_bytes, jpeg_bytes, png_bytes, upload
from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.organizations.org_support import console_login
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewStatus
from xiaoyou.donations.models import BeneficiaryPost, PostStatus, ProjectBeneficiary
from xiaoyou.donations.services.community import (
    REVIEW_KIND,
    beneficiary_add,
    beneficiary_remove,
    post_create,
    post_moderate,
)

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
def student(project, college_admin, verified_alumnus):
    beneficiary_add(actor=college_admin, project=project, user=verified_alumnus, note="2026 获奖")
    return verified_alumnus


def test_staff_name_beneficiaries_only_in_their_scope(
    project, college_admin, regional_admin, verified_alumnus, unverified_user, outsider
):
    for actor in (regional_admin, verified_alumnus, outsider):
        with pytest.raises(PermissionDenied):
            beneficiary_add(actor=actor, project=project, user=unverified_user)
    added = beneficiary_add(actor=college_admin, project=project, user=unverified_user)
    assert (added.project, added.user, added.added_by) == (project, unverified_user, college_admin)
    told = Notification.objects.get(user=unverified_user, kind="donations.beneficiary_named")
    assert told.url == reverse("hall:donation_post_create", args=[project.pk])
    assert "励学奖学金" in told.title
    with pytest.raises(ApplicationError) as error:
        beneficiary_add(actor=college_admin, project=project, user=unverified_user)
    assert error.value.code == "donations.beneficiary_already"
    with pytest.raises(ApplicationError) as error:
        beneficiary_add(actor=college_admin, project=project, user=None)
    assert error.value.code == "donations.beneficiary_unknown_user"
    with pytest.raises(PermissionDenied):
        beneficiary_remove(actor=regional_admin, beneficiary=added)
    beneficiary_remove(actor=college_admin, beneficiary=added)
    assert not ProjectBeneficiary.objects.filter(pk=added.pk).exists()
    assert AuditEntry.objects.filter(action="donations.beneficiary.add").count() == 1
    assert AuditEntry.objects.filter(action="donations.beneficiary.remove").count() == 1


def test_only_beneficiaries_post(project, student, unverified_user, outsider, college_admin):
    for actor in (unverified_user, outsider):
        with pytest.raises(ApplicationError) as error:
            post_create(actor=actor, project=project, body="谢谢")
        assert error.value.code == "donations.post_not_beneficiary"
    other = ProjectFactory(org=project.org)
    with pytest.raises(ApplicationError):
        post_create(actor=student, project=other, body="谢谢")  # not a beneficiary of that one
    post = post_create(actor=student, project=project, body="  感谢各位校友！\r\n我会努力学习。 ")
    assert (post.body, post.status, post.author) == (
        "感谢各位校友！\n我会努力学习。",
        PostStatus.PENDING,
        student,
    )
    assert BeneficiaryPost.objects.count() == 1


def test_bad_input(project, student):
    cases = [
        ({"body": "   "}, "donations.post_text_required"),
        ({"body": "谢" * 2001}, "donations.post_text_too_long"),
        ({"photo": upload("a.jpg", b"not an image")}, "donations.post_photo_invalid"),
        ({"photo": upload("x.png", bomb_png_bytes(), "image/png")}, "donations.post_photo_invalid"),
    ]
    for fields, code in cases:
        with pytest.raises(ApplicationError) as error:
            post_create(actor=student, project=project, **{"body": "谢谢", **fields})
        assert error.value.code == code, fields
    assert BeneficiaryPost.objects.count() == 0


def test_rate_limited(project, student):
    for index in range(5):
        post_create(actor=student, project=project, body=f"第{index}次")
    with pytest.raises(ApplicationError) as error:
        post_create(actor=student, project=project, body="第六次")
    assert error.value.code == "rate_limited"


def test_photo_is_stored_without_metadata(project, student):
    photo = upload("IMG_0001.JPG", jpeg_bytes((80, 40), orientation=6, gps=True))
    post = post_create(actor=student, project=project, body="新学期", photo=photo)
    assert post.photo.name.startswith("donations/posts/") and post.photo.name.endswith(".jpg")
    with post.photo.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert image.size == (40, 80)  # turned upright
        assert not image.getexif() and "exif" not in image.info
    transparent = post_create(
        actor=student, project=project, body="PNG", photo=upload("a.png", png_bytes(), "image/png")
    )
    assert transparent.photo.name.endswith(".png")


def test_moderation_through_the_review_queue(
    project, student, college_admin, regional_admin, gateway, django_capture_on_commit_callbacks
):
    donor_gift = give(project, student, amount=5000)  # the student gave too: a donor told
    with django_capture_on_commit_callbacks(execute=True):
        pay(donor_gift)
    first = post_create(actor=student, project=project, body="第一篇")
    second = post_create(actor=student, project=project, body="第二篇")
    items = {item.object_id: item for item in reviews.pending_for(college_admin, kind=REVIEW_KIND)}
    assert set(items) == {str(first.pk), str(second.pk)}
    assert reviews.pending_for(regional_admin, kind=REVIEW_KIND).count() == 0
    assert items[str(first.pk)].summary == "励学奖学金: 第一篇"
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(item=items[str(first.pk)], actor=college_admin, approved=True)
    reviews.review_decide(
        item=items[str(second.pk)], actor=college_admin, approved=False, reason="与项目无关"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PostStatus.PUBLISHED, PostStatus.REJECTED)
    assert first.published_at is not None and first.moderated_by == college_admin
    told = Notification.objects.filter(user=student, kind="donations.project_update")
    assert told.count() == 1
    # Moderating on the project page decides the queue item too.
    third = post_create(actor=student, project=project, body="第三篇")
    with pytest.raises(PermissionDenied):
        post_moderate(actor=regional_admin, post=third, action="publish")
    with pytest.raises(ApplicationError) as error:
        post_moderate(actor=college_admin, post=third, action="delete-all")
    assert error.value.code == "donations.post_action_unknown"
    post_moderate(actor=college_admin, post=third, action="publish")
    third.refresh_from_db()
    assert third.status == PostStatus.PUBLISHED
    item = reviews.ReviewItem.objects.get(kind=REVIEW_KIND, object_id=str(third.pk))
    assert item.status == ReviewStatus.APPROVED
    post_moderate(actor=college_admin, post=third, action="hide")
    third.refresh_from_db()
    assert third.status == PostStatus.HIDDEN
    assert AuditEntry.objects.filter(action="donations.beneficiary_post.hide").count() == 1


def test_project_page_shows_published_posts_only(client, project, student, college_admin):
    shown = post_create(actor=student, project=project, body="谢谢母校与校友")
    post_create(actor=student, project=project, body="还在审核中")
    post_moderate(actor=college_admin, post=shown, action="publish")
    html = client.get(reverse("hall:donation_project", args=[project.pk])).content.decode()
    assert "谢谢母校与校友" in html and "还在审核中" not in html
    assert 'data-action="write-post"' not in html
    client.force_login(student)
    html = client.get(reverse("hall:donation_project", args=[project.pk])).content.decode()
    assert 'data-action="write-post"' in html


def test_hall_form(client, project, student, unverified_user):
    url = reverse("hall:donation_post_create", args=[project.pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(unverified_user)
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"body": "谢谢！", "photo": upload("p.jpg", jpeg_bytes((30, 20), gps=True))}
    )
    assert response["Location"] == url
    post = BeneficiaryPost.objects.get()
    assert post.photo and post.status == PostStatus.PENDING
    bad = client.post(url, {"body": "图", "photo": upload("p.jpg", b"GIF89a broken")})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert BeneficiaryPost.objects.count() == 1
    page = client.get(url).content.decode()
    assert "data-my-posts" in page and f'data-post="{post.pk}"' in page
    assert str(PostStatus.PENDING.label) in page


def test_console_beneficiaries_page(client, project, college_admin, unverified_user, student):
    console_login(client, college_admin)
    url = reverse("console:donation_beneficiaries", args=[project.pk])
    client.post(
        reverse("console:donation_beneficiary_add", args=[project.pk]),
        {"contact": unverified_user.email.upper(), "note": "助学金"},
    )
    client.post(
        reverse("console:donation_beneficiary_add", args=[project.pk]),
        {"contact": "nobody@example.com"},
    )
    assert set(ProjectBeneficiary.objects.values_list("user_id", flat=True)) == {
        student.pk,
        unverified_user.pk,
    }
    post = post_create(
        actor=student, project=project, body="感谢", photo=upload("p.jpg", jpeg_bytes())
    )
    item = reviews.ReviewItem.objects.get(kind=REVIEW_KIND, object_id=str(post.pk))
    todo = client.get(reverse("console:reviews")).content.decode()
    assert "励学奖学金: 感谢" in todo
    detail = client.get(reverse("console:review_detail", args=[item.pk]))
    assert detail.status_code == 200 and post.photo.url in detail.content.decode()
    page = client.get(url + "?status=pending")
    assert page.status_code == 200 and f'data-post="{post.pk}"' in page.content.decode()
    client.post(
        reverse("console:donation_post_moderate", args=[project.pk, post.pk]),
        {"action": "publish"},
    )
    post.refresh_from_db()
    item.refresh_from_db()
    assert (post.status, item.status) == (PostStatus.PUBLISHED, ReviewStatus.APPROVED)


def test_donors_see_the_posts_in_my_donations(
    client, project, student, college_admin, outsider, gateway, django_capture_on_commit_callbacks
):
    gift = give(project, outsider, amount=5000)
    with django_capture_on_commit_callbacks(execute=True):
        pay(gift)
    shown = post_create(actor=student, project=project, body="收到奖学金，谢谢！")
    post_create(actor=student, project=project, body="尚未审核")
    post_moderate(actor=college_admin, post=shown, action="publish")
    client.force_login(outsider)
    html = client.get(reverse("hall:my_donations")).content.decode()
    assert "收到奖学金，谢谢！" in html and "尚未审核" not in html
    client.force_login(student)  # no gift: nothing
    assert "data-donor-posts" not in client.get(reverse("hall:my_donations")).content.decode()
