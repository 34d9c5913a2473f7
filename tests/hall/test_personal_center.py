"""Personal center (我的): joining the main association, editing my joining information
(re-reviewed when the association reviews joins), my profile flowing into my alumni record
with its history, my organizations, my notifications, fixed query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AlumniRecordFactory,
    MembershipFactory,
    NotificationFactory,
    OrganizationFactory,
)
from xiaoyou.alumni.models import RecordChange, RecordSource
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from xiaoyou.organizations.services import join_request_submit, membership_activate

pytestmark = pytest.mark.django_db

FORM = [{"key": "company", "label": "工作单位", "type": "text", "required": True}]


def _main(org_tree, mode=ApprovalMode.AUTOMATIC):
    root = org_tree.root
    root.approval_mode = mode
    root.join_form = FORM
    root.save(update_fields=["approval_mode", "join_form"])
    return root


def _me(client) -> str:
    response = client.get(reverse("hall:me"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_non_member_is_invited_to_join_and_joins(client, org_tree, unverified_user):
    root = _main(org_tree)
    client.force_login(unverified_user)
    html = _me(client)
    join_url = reverse("hall:org_join", args=[root.pk])
    assert f'href="{join_url}" data-main-join-link' in html
    assert "data-main-member" not in html

    response = client.post(join_url, {"company": "示范科技"})
    assert response.status_code == 302
    assert Membership.objects.get(user=unverified_user, org=root).answers == {"company": "示范科技"}
    html = _me(client)
    assert "data-main-join" not in html
    assert f'href="{reverse("hall:org_my_info", args=[root.pk])}" data-edit-join-info' in html


def test_a_pending_application_is_shown_instead_of_the_invitation(
    client, org_tree, unverified_user
):
    root = _main(org_tree, ApprovalMode.MANUAL)
    join_request_submit(actor=unverified_user, org=root, answers={"company": "示范科技"})
    client.force_login(unverified_user)
    html = _me(client)
    assert "data-main-join-link" not in html
    assert f'href="{reverse("hall:org_join_result", args=[root.pk])}"' in html


def test_a_member_through_a_role_only_sees_no_invitation(client, verified_alumnus):
    # The persona holds the member role without a membership row: a member, nothing to edit.
    html = _me(client_login(client, verified_alumnus))
    assert "data-main-join" not in html
    assert "data-edit-join-info" not in html


def client_login(client, user):
    client.force_login(user)
    return client


def test_editing_my_joining_information_is_re_reviewed(client, org_tree, unverified_user):
    root = _main(org_tree, ApprovalMode.MANUAL)
    membership_activate(
        actor=None,
        org=root,
        user=unverified_user,
        source="application",
        answers={"company": "旧公司"},
    )
    client.force_login(unverified_user)
    my_info = reverse("hall:org_my_info", args=[root.pk])
    assert my_info in _me(client)
    response = client.post(my_info, {"company": "新公司"})
    assert response.status_code == 302
    update = JoinRequest.objects.get(user=unverified_user, org=root, is_update=True)
    assert update.status == JoinRequestStatus.PENDING
    assert update.answers == {"company": "新公司"}
    # The membership keeps its answers until the change is approved.
    assert Membership.objects.get(user=unverified_user, org=root).answers == {"company": "旧公司"}
    html = _me(client)
    assert "data-edit-join-info" in html
    assert "data-main-join" not in html


def test_editing_my_joining_information_applies_at_once_without_review(
    client, org_tree, unverified_user
):
    root = _main(org_tree, ApprovalMode.AUTOMATIC)
    membership_activate(
        actor=None, org=root, user=unverified_user, source="application", answers={"company": "A"}
    )
    client.force_login(unverified_user)
    client.post(reverse("hall:org_my_info", args=[root.pk]), {"company": "B"})
    assert Membership.objects.get(user=unverified_user, org=root).answers == {"company": "B"}


def test_my_profile_updates_flow_into_my_record_with_history(client, org_tree, verified_alumnus):
    record = AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, verification="verified", employer="旧单位"
    )
    client.force_login(verified_alumnus)
    profile_url = reverse("hall:alumni_my_profile")
    assert f'href="{profile_url}"' in _me(client)
    response = client.post(profile_url, {"employer": "新单位", "city": "杭州"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.employer, record.city) == ("新单位", "杭州")
    change = RecordChange.objects.get(record=record, field="employer")
    assert (change.old_value, change.new_value, change.source) == (
        "旧单位",
        "新单位",
        RecordSource.SELF,
    )
    assert change.actor_id == verified_alumnus.pk


def test_my_organizations_and_notifications_entries(client, org_tree, unverified_user):
    for org in (org_tree.root, org_tree.college):
        MembershipFactory(org=org, user=unverified_user)
    MembershipFactory(org=org_tree.regional, user=unverified_user, status=MembershipStatus.LEFT)
    NotificationFactory.create_batch(3, user=unverified_user)
    NotificationFactory(user=unverified_user, read_at="2026-01-01T00:00:00Z")
    client.force_login(unverified_user)
    html = _me(client)
    orgs = re.search(r'<li data-entry="my_orgs">(.*?)</li>', html, re.S).group(1)
    assert f'href="{reverse("hall:my_orgs")}"' in orgs
    assert re.search(r"\b2\b", orgs)
    notifications = re.search(r'<li data-entry="notifications">(.*?)</li>', html, re.S).group(1)
    assert f'href="{reverse("hall:notifications")}"' in notifications
    assert '<span class="badge">3</span>' in notifications


def _queries(client) -> int:
    client.get(reverse("hall:me"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("hall:me")).status_code == 200
    return len(captured.captured_queries)


def _grow(user, org_tree, count):
    for _index in range(count):
        MembershipFactory(org=OrganizationFactory(parent=org_tree.root), user=user)
        NotificationFactory(user=user)
        join_request_submit(actor=user, org=OrganizationFactory(parent=org_tree.root), answers={})


@pytest.mark.parametrize("persona", ["unverified_user", "verified_alumnus", "platform_admin"])
def test_personal_center_query_count_is_fixed(client, org_tree, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _grow(user, org_tree, 3)
    few = _queries(client)
    _grow(user, org_tree, 30)
    assert _queries(client) == few
    # One per personal-center entry at most, plus the session, the user and the main
    # association's standing (one query for membership, role and pending request).
    assert few <= 3 + len(re.findall(r"<li data-entry=", _me(client))) + 4
