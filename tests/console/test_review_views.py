from __future__ import annotations

import pytest
from django.urls import reverse

from tests.console.test_audit_views import console_login
from tests.factories import JoinRequestFactory, ReviewItemFactory, UserFactory
from xiaoyou.core.models import Notification, ReviewItem, ReviewStatus
from xiaoyou.organizations.models import JoinRequestStatus, OrgRole, Role

pytestmark = pytest.mark.django_db

LIST = reverse("console:reviews")
BULK = reverse("console:review_bulk")


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


def decide_url(item) -> str:
    return reverse("console:review_decide", args=[item.pk])


def _status(item) -> str:
    return ReviewItem.objects.get(pk=item.pk).status


@pytest.fixture
def queue(org_tree):
    """Pending join requests: two in the college (one via its club), one in Shanghai."""
    return {
        "college": ReviewItemFactory(
            join_request__org=org_tree.college,
            join_request__user=UserFactory(display_name="韩梅梅", language="en"),
        ),
        "club": ReviewItemFactory(join_request__org=org_tree.club),
        "regional": ReviewItemFactory(join_request__org=org_tree.regional),
    }


def test_the_list_shows_my_pending_items_by_type_and_org(client, queue, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [row["item"].pk for row in response.context["rows"]] == [
        queue["club"].pk,
        queue["college"].pk,
    ]
    # One tab per registered review kind; only join requests are pending here.
    tabs = {tab["kind"]: tab for tab in response.context["tabs"]}
    assert tabs["organizations.join"] == {
        "kind": "organizations.join",
        "label": "Join requests",
        "count": 2,
    }
    assert [kind for kind, tab in tabs.items() if tab["count"]] == ["organizations.join"]
    by_org = client.get(LIST, {"org": org_tree.club.pk})
    assert [row["item"].pk for row in by_org.context["rows"]] == [queue["club"].pk]
    by_kind = client.get(LIST, {"kind": "organizations.join"})
    assert len(by_kind.context["rows"]) == 2
    # An organization outside the admin's scope is ignored, not shown.
    other = client.get(LIST, {"org": org_tree.regional.pk})
    assert other.context["org"] is None
    assert queue["regional"].pk not in [row["item"].pk for row in other.context["rows"]]


def test_approve_one(client, queue, org_tree, college_admin):
    console_login(client, college_admin)
    response = client.post(decide_url(queue["college"]), {"decision": "approve"})
    assert response.status_code == 302
    assert _status(queue["college"]) == ReviewStatus.APPROVED
    applicant = queue["college"].target.user
    assert OrgRole.objects.filter(user=applicant, org=org_tree.college, role=Role.MEMBER).exists()
    note = Notification.objects.get(user=applicant)
    assert (note.kind, note.title) == ("organizations.join_decided", "Welcome to 计算机学院校友会")


def test_reject_requires_a_reason_inline(client, queue, college_admin):
    console_login(client, college_admin)
    response = client.post(decide_url(queue["college"]), {"decision": "reject", "reason": " "})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reason": ["Please give a reason for the rejection."]
    }
    assert (
        '<div class="field-error">Please give a reason for the rejection.</div>'
        in response.content.decode()
    )
    assert _status(queue["college"]) == ReviewStatus.PENDING
    response = client.post(
        decide_url(queue["college"]), {"decision": "reject", "reason": "非本院校友"}
    )
    assert response.status_code == 302
    item = ReviewItem.objects.get(pk=queue["college"].pk)
    assert (item.status, item.reason) == (ReviewStatus.REJECTED, "非本院校友")
    assert item.target.status == JoinRequestStatus.REJECTED


def test_htmx_gets_the_row_back_with_the_error_or_the_decision(client, queue, college_admin):
    console_login(client, college_admin)
    headers = {"HX-Request": "true"}
    response = client.post(decide_url(queue["club"]), {"decision": "reject"}, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="review-{queue["club"].pk}"')
    assert "Please give a reason for the rejection." in html
    assert '<details class="details" open>' in html
    response = client.post(decide_url(queue["club"]), {"decision": "approve"}, headers=headers)
    html = response.content.decode()
    assert '<span class="badge badge-success">Approved</span>' in html
    assert _status(queue["club"]) == ReviewStatus.APPROVED


def test_wrong_org_admin_gets_404_and_nothing_changes(client, queue, regional_admin):
    console_login(client, regional_admin)
    assert client.post(decide_url(queue["college"]), {"decision": "approve"}).status_code == 404
    assert (
        client.get(reverse("console:review_detail", args=[queue["college"].pk])).status_code == 404
    )
    assert _status(queue["college"]) == ReviewStatus.PENDING


def test_alumni_may_not_enter(client, queue, verified_alumnus):
    client.force_login(verified_alumnus)
    assert client.get(LIST).status_code == 403
    assert client.post(decide_url(queue["college"]), {"decision": "approve"}).status_code == 403


def test_detail_shows_what_the_kind_describes(client, org_tree, college_admin):
    join_request = JoinRequestFactory(org=org_tree.college, message="2008 级软件工程")
    item = ReviewItem.objects.get()
    console_login(client, college_admin)
    response = client.get(reverse("console:review_detail", args=[item.pk]))
    assert response.status_code == 200
    assert [(str(label), str(value)) for label, value in response.context["details"]] == [
        ("Applicant", str(join_request.user)),
        ("Organization", "计算机学院校友会"),
        ("Type", "New member"),
        ("Message", "2008 级软件工程"),
    ]


def test_bulk_approve_asks_for_confirmation_first(client, queue, college_admin):
    console_login(client, college_admin)
    ids = [queue["college"].pk, queue["club"].pk, queue["regional"].pk]
    response = client.post(BULK, {"ids": ids, "decision": "approve"})
    assert response.status_code == 200
    assert [row["item"].pk for row in response.context["rows"]] == [
        queue["club"].pk,
        queue["college"].pk,
    ]
    assert "Approve 2 items?" in response.content.decode()
    assert _status(queue["college"]) == ReviewStatus.PENDING
    response = client.post(BULK, {"ids": ids, "decision": "approve", "confirmed": "1"})
    assert response.status_code == 302
    assert [_status(queue[name]) for name in ("college", "club", "regional")] == [
        ReviewStatus.APPROVED,
        ReviewStatus.APPROVED,
        ReviewStatus.PENDING,
    ]


def test_bulk_reject_needs_a_reason(client, queue, college_admin):
    console_login(client, college_admin)
    ids = [queue["college"].pk, queue["club"].pk]
    response = client.post(BULK, {"ids": ids, "decision": "reject", "confirmed": "1", "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reason": ["Please give a reason for the rejection."]
    }
    assert [_status(queue["college"]), _status(queue["club"])] == [ReviewStatus.PENDING] * 2
    response = client.post(
        BULK, {"ids": ids, "decision": "reject", "confirmed": "1", "reason": "名额已满"}
    )
    assert response.status_code == 302
    assert set(ReviewItem.objects.filter(pk__in=ids).values_list("status", "reason")) == {
        ("rejected", "名额已满")
    }
    assert Notification.objects.filter(kind="organizations.join_decided").count() == 2


def test_an_unsafe_next_is_ignored(client, queue, college_admin):
    console_login(client, college_admin)
    response = client.post(
        decide_url(queue["college"]), {"decision": "approve", "next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_the_list_has_a_fixed_number_of_queries(
    client, org_tree, college_admin, django_assert_max_num_queries
):
    console_login(client, college_admin)
    ReviewItemFactory.create_batch(3, join_request__org=org_tree.college)
    client.get(LIST)
    with django_assert_max_num_queries(16) as few:
        assert client.get(LIST).status_code == 200
    ReviewItemFactory.create_batch(25, join_request__org=org_tree.club)
    with django_assert_max_num_queries(16) as many:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 28
    assert len(many.captured_queries) == len(few.captured_queries)
