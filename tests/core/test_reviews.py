from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from tests.factories import ReviewItemFactory, UserFactory
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Delivery, Notification, ReviewItem, ReviewStatus
from xiaoyou.organizations.models import JoinRequest, JoinRequestStatus, OrgRole, Role
from xiaoyou.organizations.services import join_request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    # English so the assertions on rendered messages do not depend on the translations.
    return UserFactory(display_name="李雷", email="lilei@example.com", language="en")


def test_submitting_a_join_request_puts_it_in_the_queue(org_tree, applicant):
    join_request = join_request_submit(
        actor=applicant, org=org_tree.college, message="2008 级计算机"
    )
    item = ReviewItem.objects.get()
    assert item.kind == "organizations.join"
    assert item.org == org_tree.college
    assert item.submitter == applicant
    assert item.status == ReviewStatus.PENDING
    assert item.target == join_request
    assert item.summary == "李雷 → 计算机学院校友会"
    assert join_request.status == JoinRequestStatus.PENDING


def test_one_pending_item_per_object(org_tree, applicant):
    join_request = join_request_submit(actor=applicant, org=org_tree.college)
    with pytest.raises(ApplicationError) as raised:
        reviews.review_submit(obj=join_request, submitter=applicant, org=org_tree.college)
    assert raised.value.code == "review_pending"
    assert raised.value.status == 409
    assert ReviewItem.objects.count() == 1


def test_join_request_refusals(org_tree, applicant, verified_alumnus):
    join_request_submit(actor=applicant, org=org_tree.college)
    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=applicant, org=org_tree.college)
    assert raised.value.code == "join_request_pending"
    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=verified_alumnus, org=org_tree.college)
    assert raised.value.code == "already_member"
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        join_request_submit(actor=AnonymousUser(), org=org_tree.college)
    assert JoinRequest.objects.count() == 1


def test_approving_grants_membership_audits_and_notifies(
    org_tree, applicant, college_admin, django_capture_on_commit_callbacks
):
    join_request = join_request_submit(actor=applicant, org=org_tree.college)
    item = ReviewItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        decided = reviews.review_decide(item=item, actor=college_admin, approved=True)
    assert decided.status == ReviewStatus.APPROVED
    assert decided.decided_by == college_admin
    assert decided.decided_at is not None
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert OrgRole.objects.filter(user=applicant, org=org_tree.college, role=Role.MEMBER).exists()
    actions = list(
        AuditEntry.objects.filter(actor=college_admin)
        .order_by("id")
        .values_list("action", "org_id")
    )
    # The membership of the college, the implied one of the main association, the decision.
    assert actions == [
        ("membership.activate", org_tree.college.pk),
        ("membership.activate", org_tree.root.pk),
        ("review.approve", org_tree.college.pk),
    ]
    # Join requests send their own notification kind instead of the generic "review.decided".
    note = Notification.objects.get(user=applicant)
    assert note.kind == "organizations.join_decided"
    assert note.title == "Welcome to 计算机学院校友会"
    assert note.body == "Your request to join 计算机学院校友会 was approved. You are a member now."
    assert [message.to for message in mail.outbox] == [["lilei@example.com"]]
    assert mail.outbox[0].subject == "Welcome to 计算机学院校友会"
    assert Delivery.objects.get(user=applicant).status == Delivery.Status.SENT


def test_rejecting_needs_a_reason_and_keeps_the_applicant_out(org_tree, applicant, college_admin):
    join_request = join_request_submit(actor=applicant, org=org_tree.college)
    item = ReviewItem.objects.get()
    with pytest.raises(ApplicationError) as raised:
        reviews.review_decide(item=item, actor=college_admin, approved=False, reason="   ")
    assert raised.value.code == "review_reason_required"
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING
    reviews.review_decide(item=item, actor=college_admin, approved=False, reason="请先完成校友认证")
    item.refresh_from_db()
    join_request.refresh_from_db()
    assert (item.status, item.reason) == (ReviewStatus.REJECTED, "请先完成校友认证")
    assert join_request.status == JoinRequestStatus.REJECTED
    assert not OrgRole.objects.filter(user=applicant, org=org_tree.college).exists()
    note = Notification.objects.get(user=applicant)
    assert note.title == "计算机学院校友会 declined your request to join"
    assert note.body.splitlines() == [
        "Your request to join 计算机学院校友会 was declined.",
        "Reason: 请先完成校友认证",
    ]
    entry = AuditEntry.objects.get(action="review.reject")
    assert entry.changes == {
        "status": ["pending", "rejected"],
        "reason": [None, "请先完成校友认证"],
    }


def test_an_admin_of_another_org_may_not_decide(org_tree, applicant, regional_admin):
    join_request_submit(actor=applicant, org=org_tree.college)
    item = ReviewItem.objects.get()
    with pytest.raises(PermissionDenied):
        reviews.review_decide(item=item, actor=regional_admin, approved=True)
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING
    assert not Notification.objects.exists()


def test_admins_of_an_ancestor_decide_for_the_subtree(org_tree, college_admin, platform_admin):
    club_item = ReviewItemFactory(join_request__org=org_tree.club)
    reviews.review_decide(item=club_item, actor=college_admin, approved=True)
    assert ReviewItem.objects.get(pk=club_item.pk).status == ReviewStatus.APPROVED
    regional_item = ReviewItemFactory(join_request__org=org_tree.regional)
    reviews.review_decide(item=regional_item, actor=platform_admin, approved=True)
    assert ReviewItem.objects.get(pk=regional_item.pk).status == ReviewStatus.APPROVED


def test_an_item_is_decided_once(org_tree, college_admin, platform_admin):
    item = ReviewItemFactory(join_request__org=org_tree.college)
    stale = ReviewItem.objects.get(pk=item.pk)
    reviews.review_decide(item=item, actor=college_admin, approved=True)
    with pytest.raises(ApplicationError) as raised:
        reviews.review_decide(item=stale, actor=platform_admin, approved=False, reason="重复")
    assert raised.value.code == "review_decided"
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.APPROVED


def test_a_failing_callback_leaves_the_item_pending(org_tree, college_admin, monkeypatch):
    item = ReviewItemFactory(join_request__org=org_tree.college)
    original = reviews.kind_for("organizations.join")

    def broken(obj, *, item, actor, reason):
        obj.status = JoinRequestStatus.APPROVED
        obj.save(update_fields=["status"])
        raise RuntimeError("callback failed")

    monkeypatch.setitem(
        reviews._kinds,
        "organizations.join",
        reviews.ReviewKind(
            original.kind, original.model, original.label, broken, original.on_reject
        ),
    )
    audit_count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        reviews.review_decide(item=item, actor=college_admin, approved=True)
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.PENDING
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING
    assert AuditEntry.objects.count() == audit_count


def test_bulk_decides_what_it_may_and_reports_the_rest(org_tree, college_admin):
    mine = [ReviewItemFactory(join_request__org=org) for org in (org_tree.college, org_tree.club)]
    theirs = ReviewItemFactory(join_request__org=org_tree.regional)
    with pytest.raises(ApplicationError) as raised:
        reviews.review_decide_bulk(items=[*mine, theirs], actor=college_admin, approved=False)
    assert raised.value.code == "review_reason_required"
    result = reviews.review_decide_bulk(
        items=[*mine, theirs], actor=college_admin, approved=False, reason="资料不全"
    )
    assert [item.pk for item in result.decided] == [item.pk for item in mine]
    assert [(item.pk, message) for item, message in result.failed] == [
        (theirs.pk, gettext("You do not have permission to do this."))
    ]
    statuses = dict(ReviewItem.objects.values_list("pk", "status"))
    assert statuses == {
        mine[0].pk: ReviewStatus.REJECTED,
        mine[1].pk: ReviewStatus.REJECTED,
        theirs.pk: ReviewStatus.PENDING,
    }


def test_pending_for_is_scoped_by_org_kind_and_filter(
    org_tree, college_admin, regional_admin, outsider
):
    college = ReviewItemFactory(join_request__org=org_tree.college)
    club = ReviewItemFactory(join_request__org=org_tree.club)
    regional = ReviewItemFactory(join_request__org=org_tree.regional)
    assert set(reviews.pending_for(college_admin)) == {college, club}
    assert list(reviews.pending_for(regional_admin)) == [regional]
    assert list(reviews.pending_for(outsider)) == []
    assert list(reviews.pending_for(college_admin, org=org_tree.club)) == [club]
    assert set(reviews.pending_for(college_admin, kind="organizations.join")) == {college, club}
    assert list(reviews.pending_for(college_admin, kind="events.publish")) == []
    assert reviews.pending_counts_by_kind(college_admin) == {"organizations.join": 2}


def test_pending_count_is_counted_once_per_request(
    org_tree, college_admin, outsider, django_assert_num_queries
):
    ReviewItemFactory.create_batch(3, join_request__org=org_tree.college)
    ReviewItemFactory(join_request__org=org_tree.regional)
    from xiaoyou.organizations.selectors import clear_role_cache

    clear_role_cache(college_admin)
    with django_assert_num_queries(2):  # the user's roles, then the count
        assert reviews.pending_count_for(college_admin) == 3
    with django_assert_num_queries(0):
        assert reviews.pending_count_for(college_admin) == 3
    with django_assert_num_queries(1):  # roles only: an outsider administers nothing
        assert reviews.pending_count_for(outsider) == 0
