"""Invitations (邀请): services, console pages, the hall's invitation page and the API.

Role invitations are single-use and grant admin/president; join invitations are multi-use share
links that submit a join request. Bad codes (unknown, expired, used, withdrawn) give a clear
message and change nothing.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.accounts.support import fresh_cache_settings
from tests.emulators.aliyun_sms import AliyunSmsEmulator
from tests.factories import InvitationFactory, OrganizationFactory, UserFactory
from tests.messaging.sms_support import give_sms, school_language_segments, sms_allocation
from xiaoyou.core.errors import MESSAGES, ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.messaging import errors_sms
from xiaoyou.organizations import selectors_invitations
from xiaoyou.organizations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    OrganizationKind,
    OrgRole,
    Role,
    Visibility,
)
from xiaoyou.organizations.services import invitations as services
from xiaoyou.organizations.services import role_grant

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^[A-Z2-7]{16}$")


@pytest.fixture(autouse=True)
def _english_and_fresh_cache(settings):
    # Rate-limit counters live in the cache: each test gets its own namespace.
    settings.LANGUAGE_CODE = "en"
    settings.CACHES = fresh_cache_settings(settings.CACHES)


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def texts(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def message(code: str) -> str:
    return str(MESSAGES[code])


def create(actor, org, **fields) -> Invitation:
    arguments = {
        "kind": "role",
        "role": Role.ADMIN,
        "channel": "link",
        "expires_in": timedelta(days=7),
    }
    arguments.update(fields)
    return services.invitation_create(actor=actor, org=org, **arguments)


def invitee(phone: str = "+8613911112222", **fields):
    return UserFactory(phone=phone, phone_verified=True, **fields)


# --- creating ------------------------------------------------------------------------------------


def test_role_invitation_by_link_is_single_use_with_a_random_code(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college, name="王芳")

    assert CODE.match(invitation.code)
    assert invitation.kind == "role"
    assert invitation.role == Role.ADMIN
    assert invitation.max_uses == 1
    assert invitation.use_count == 0
    assert invitation.created_by == college_admin
    assert services.invitation_status(invitation) == "active"
    entry = AuditEntry.objects.get(action="invitation.create")
    assert entry.object_id == str(invitation.pk)
    assert entry.org_id == org_tree.college.pk
    # The code is the secret: it is not written to the audit log.
    assert invitation.code not in json.dumps(entry.changes)


def test_codes_are_unique_and_unguessable(org_tree, college_admin):
    codes = {create(college_admin, org_tree.college).code for _ in range(30)}
    assert len(codes) == 30
    assert all(CODE.match(code) for code in codes)


def test_join_invitation_is_multi_use_by_default(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college, kind="join", role=Role.ADMIN)
    assert invitation.role == Role.MEMBER  # a join link never offers a role
    assert invitation.max_uses == services.JOIN_DEFAULT_MAX_USES
    limited = create(college_admin, org_tree.college, kind="join", max_uses=50)
    assert limited.max_uses == 50


def test_only_admins_of_the_org_or_above_may_invite(
    org_tree, college_admin, regional_admin, verified_alumnus
):
    with pytest.raises(PermissionDenied):
        create(regional_admin, org_tree.college)
    with pytest.raises(PermissionDenied):
        create(verified_alumnus, org_tree.college)
    # Roles reach down the tree: the college admin may invite for its club.
    assert create(college_admin, org_tree.club).org == org_tree.club
    assert Invitation.objects.count() == 1


def test_only_a_president_or_platform_admin_may_offer_the_presidency(
    org_tree, college_admin, platform_admin
):
    with pytest.raises(PermissionDenied):
        create(college_admin, org_tree.college, role=Role.PRESIDENT)
    assert Invitation.objects.count() == 0

    president = UserFactory(is_staff=True)
    role_grant(actor=None, user=president, org=org_tree.college, role=Role.PRESIDENT)
    assert create(president, org_tree.club, role=Role.PRESIDENT).role == Role.PRESIDENT
    assert create(platform_admin, org_tree.college, role=Role.PRESIDENT).role == Role.PRESIDENT


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"role": Role.MEMBER}, services.INVITATION_BAD_ROLE),
        ({"max_uses": 5}, services.INVITATION_BAD_MAX_USES),
        ({"kind": "join", "max_uses": 0}, services.INVITATION_BAD_MAX_USES),
        ({"expires_in": timedelta(minutes=5)}, services.INVITATION_BAD_EXPIRY),
        ({"expires_in": timedelta(days=91)}, services.INVITATION_BAD_EXPIRY),
        ({"channel": "sms"}, services.INVITATION_PHONE_REQUIRED),
        ({"phone": "12345"}, "invalid_input"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(org_tree, college_admin, fields, code):
    with pytest.raises(ApplicationError) as caught:
        create(college_admin, org_tree.college, **fields)
    assert caught.value.code == code
    assert Invitation.objects.count() == 0


# --- SMS ---------------------------------------------------------------------------------------


def test_sms_invitation_texts_the_link_and_charges_the_allocation(
    org_tree, college_admin, sms_file
):
    org = org_tree.college
    give_sms(org, 10)

    invitation = create(college_admin, org, channel="sms", phone="139 1111 2222", name="王芳")

    assert invitation.phone == "+8613911112222"
    [text] = texts(sms_file)
    assert text["phone"] == "+8613911112222"
    assert text["template"] == "role_invitation"
    assert text["params"]["org"] == org.name
    assert text["params"]["name"] == "王芳"
    assert text["params"]["days"] == "7"
    assert text["params"]["url"].endswith(f"/invite/{invitation.code}/")
    segments = school_language_segments("role_invitation", text["params"])
    allocation = sms_allocation(org)
    assert segments >= 1
    assert (allocation.used, allocation.reserved) == (segments, 0)


def test_sms_without_allocation_is_refused_and_sends_nothing(org_tree, college_admin, sms_file):
    org = org_tree.college
    with pytest.raises(ApplicationError) as caught:
        create(college_admin, org, channel="sms", phone="13911112222")
    assert caught.value.code == errors_sms.QUOTA_NO_ALLOCATION
    assert Invitation.objects.count() == 0
    assert texts(sms_file) == []


def test_sms_beyond_the_allocation_is_refused_before_sending(org_tree, college_admin, sms_file):
    org = org_tree.college
    give_sms(org, 10)
    create(college_admin, org, channel="sms", phone="13911112222")
    [first] = texts(sms_file)
    cost = school_language_segments("role_invitation", first["params"])
    # What is left cannot pay for another text of the same length.
    give_sms(org, cost + cost - 1)
    with pytest.raises(ApplicationError) as caught:
        create(college_admin, org, channel="sms", phone="13911113333")
    assert caught.value.code == errors_sms.QUOTA_ORG_EXCEEDED
    allocation = sms_allocation(org)
    assert (allocation.used, allocation.reserved) == (cost, 0)
    assert len(texts(sms_file)) == 1
    assert Invitation.objects.count() == 1


def test_sms_invitations_are_rate_limited_per_number(org_tree, college_admin, sms_file):
    org = org_tree.college
    give_sms(org, 100)
    limit = services.SMS_RATE_PER_PHONE[0]
    for _ in range(limit):
        create(college_admin, org, channel="sms", phone="13911112222")
    with pytest.raises(ApplicationError) as caught:
        create(college_admin, org, channel="sms", phone="13911112222")
    assert caught.value.code == "rate_limited"
    sent = texts(sms_file)
    assert len(sent) == limit
    allocation = sms_allocation(org)
    cost = sum(school_language_segments("role_invitation", text["params"]) for text in sent)
    assert (allocation.used, allocation.reserved) == (cost, 0)
    # Another number is still fine.
    create(college_admin, org, channel="sms", phone="13911113333")


@pytest.fixture
def aliyun(settings):
    emulator = AliyunSmsEmulator(
        access_keys={"LTAI5tEmulatorKey": "emulator-secret"},
        templates={"SMS_200000001"},
        sign_names={"示范校友会"},
    )
    with emulator:
        settings.SMS_BACKEND = "aliyun"
        settings.SMS_ALIYUN_ENDPOINT = emulator.url + "/"
        settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tEmulatorKey"
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "emulator-secret"
        settings.SMS_SIGN_NAME = "示范校友会"
        settings.SMS_TEMPLATES = {"role_invitation": "SMS_200000001"}
        yield emulator


def test_sms_through_aliyun_sends_the_approved_template(org_tree, college_admin, aliyun):
    org = org_tree.college
    give_sms(org, 10)
    invitation = create(college_admin, org, channel="sms", phone="13911112222", name="王芳")
    [sent] = aliyun.sent
    assert sent["phone_numbers"] == ["13911112222"]
    assert sent["template_code"] == "SMS_200000001"
    assert sent["params"]["url"].endswith(f"/invite/{invitation.code}/")
    assert sent["params"]["role"] == str(Role.ADMIN.label)


def test_a_failed_text_gives_the_message_back_and_withdraws_the_code(
    org_tree, college_admin, aliyun, settings
):
    settings.SMS_TEMPLATES = {"role_invitation": "SMS_NOT_APPROVED"}
    org = org_tree.college
    give_sms(org, 10)
    with pytest.raises(ApplicationError) as caught:
        create(college_admin, org, channel="sms", phone="13911112222")
    assert caught.value.code == services.INVITATION_SMS_FAILED
    allocation = sms_allocation(org)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (0, 0, 10)
    invitation = Invitation.objects.get()
    assert services.invitation_status(invitation) == "revoked"
    assert aliyun.sent == []


# --- accepting a role ----------------------------------------------------------------------------


def test_accepting_a_role_invitation_grants_the_role_and_membership(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college, phone="13911112222")
    person = invitee()

    granted = services.invitation_accept(actor=person, code=invitation.code)

    assert granted.role == Role.ADMIN
    assert OrgRole.objects.filter(user=person, org=org_tree.college, role=Role.ADMIN).exists()
    assert OrgRole.objects.filter(user=person, org=org_tree.college, role=Role.MEMBER).exists()
    membership = Membership.objects.get(user=person, org=org_tree.college)
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.source == "invitation"
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    assert invitation.used_by == person
    assert invitation.used_at is not None
    assert services.invitation_status(invitation) == "used"
    assert AuditEntry.objects.filter(action="invitation.accept", actor=person).count() == 1


def test_codes_are_read_forgivingly(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college)
    spaced = " ".join([invitation.code[:4].lower(), invitation.code[4:8], invitation.code[8:]])
    services.invitation_accept(actor=invitee(), code=spaced)
    invitation.refresh_from_db()
    assert invitation.use_count == 1


def _assert_refused(actor, code: str, expected: str, invitation: Invitation | None = None):
    roles_before = OrgRole.objects.count()
    memberships_before = Membership.objects.count()
    uses_before = invitation.use_count if invitation else None
    with pytest.raises(ApplicationError) as caught:
        services.invitation_accept(actor=actor, code=code)
    assert caught.value.code == expected
    assert caught.value.text() == message(expected)
    assert OrgRole.objects.count() == roles_before
    assert Membership.objects.count() == memberships_before
    if invitation is not None:
        invitation.refresh_from_db()
        assert invitation.use_count == uses_before


def test_a_reused_code_is_refused(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college)
    services.invitation_accept(actor=invitee(), code=invitation.code)
    invitation.refresh_from_db()
    _assert_refused(
        invitee("+8613933334444"), invitation.code, services.INVITATION_USED, invitation
    )
    assert invitation.use_count == 1


def test_an_expired_code_is_refused(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()
    _assert_refused(invitee(), invitation.code, services.INVITATION_EXPIRED, invitation)


def test_a_withdrawn_code_is_refused(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college)
    services.invitation_revoke(actor=college_admin, invitation=invitation)
    _assert_refused(invitee(), invitation.code, services.INVITATION_REVOKED, invitation)


def test_an_unknown_code_is_refused(org_tree):
    _assert_refused(invitee(), "AAAAAAAAAAAAAAAA", services.INVITATION_UNKNOWN)
    _assert_refused(invitee("+8613933334444"), "", services.INVITATION_UNKNOWN)


def test_the_phone_must_be_the_accepting_accounts_verified_phone(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college, phone="13911112222")
    _assert_refused(
        invitee("+8613933334444"), invitation.code, services.INVITATION_PHONE_MISMATCH, invitation
    )
    unverified = UserFactory(phone="+8613911112222", phone_verified=False)
    _assert_refused(unverified, invitation.code, services.INVITATION_PHONE_MISMATCH, invitation)


def test_a_role_already_held_is_not_granted_twice(org_tree, college_admin):
    invitation = create(college_admin, org_tree.college)
    _assert_refused(college_admin, invitation.code, services.INVITATION_ROLE_HELD, invitation)


def test_an_invitation_dies_with_its_inviters_rights(org_tree, college_admin):
    from xiaoyou.organizations.services.roles import role_revoke

    invitation = create(college_admin, org_tree.college)
    role_revoke(actor=None, user=college_admin, org=org_tree.college, role=Role.ADMIN)
    _assert_refused(invitee(), invitation.code, services.INVITATION_REVOKED, invitation)


def test_two_people_cannot_both_use_a_single_use_code(org_tree, college_admin):
    """The use is one conditional UPDATE: a second taker holding a stale copy still loses."""
    invitation = create(college_admin, org_tree.college)
    stale = Invitation.objects.get(pk=invitation.pk)
    first, second = invitee(), invitee("+8613933334444")

    services.invitation_use(actor=first, invitation=invitation)
    assert stale.use_count == 0  # the second request read it before the first wrote
    with pytest.raises(ApplicationError) as caught:
        services.invitation_use(actor=second, invitation=stale)

    assert caught.value.code == services.INVITATION_USED
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    assert invitation.used_by == first


def test_anonymous_visitors_cannot_accept(org_tree, college_admin):
    from django.contrib.auth.models import AnonymousUser

    invitation = create(college_admin, org_tree.college)
    with pytest.raises(ApplicationError) as caught:
        services.invitation_accept(actor=AnonymousUser(), code=invitation.code)
    assert caught.value.code == "permission_denied"


# --- revoking ------------------------------------------------------------------------------------


def test_revoke_is_for_admins_of_the_org_and_happens_once(org_tree, college_admin, regional_admin):
    invitation = create(college_admin, org_tree.college)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=regional_admin, invitation=invitation)
    services.invitation_revoke(actor=college_admin, invitation=invitation)
    invitation.refresh_from_db()
    assert services.invitation_status(invitation) == "revoked"
    with pytest.raises(ApplicationError) as caught:
        services.invitation_revoke(actor=college_admin, invitation=invitation)
    assert caught.value.code == services.INVITATION_ALREADY_REVOKED
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1


def test_status_in_the_query_agrees_with_the_service(org_tree, college_admin):
    active = create(college_admin, org_tree.college)
    used = create(college_admin, org_tree.college)
    services.invitation_accept(actor=invitee(), code=used.code)
    expired = create(college_admin, org_tree.college)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked = create(college_admin, org_tree.college)
    services.invitation_revoke(actor=college_admin, invitation=revoked)

    annotated = {
        item.pk: item.status_value
        for item in selectors_invitations.invitations_visible(college_admin)
    }
    assert annotated == {
        active.pk: "active",
        used.pk: "used",
        expired.pk: "expired",
        revoked.pk: "revoked",
    }
    for item in Invitation.objects.all():
        assert services.invitation_status(item) == annotated[item.pk]


# --- join invitations ----------------------------------------------------------------------------

JOIN_FORM = [{"key": "company", "label": "工作单位", "type": "text", "required": True}]


@pytest.fixture
def private_club(org_tree):
    return OrganizationFactory(
        name="计算机学院围棋俱乐部",
        kind=OrganizationKind.CLUB,
        parent=org_tree.college,
        visibility=Visibility.PRIVATE,
        join_form=JOIN_FORM,
    )


def test_a_join_invitation_submits_a_join_request_and_counts_one_use(private_club, college_admin):
    invitation = create(college_admin, private_club, kind="join")
    person = invitee()

    join_request = services.invitation_accept(
        actor=person, code=invitation.code, answers={"company": "示范科技"}
    )

    assert isinstance(join_request, JoinRequest)
    assert join_request.invitation == invitation
    assert join_request.answers["company"] == "示范科技"
    # An invitation from the org's admins lets the person in at once.
    assert join_request.status == JoinRequestStatus.APPROVED
    assert Membership.objects.get(user=person, org=private_club).status == MembershipStatus.ACTIVE
    invitation.refresh_from_db()
    assert invitation.use_count == 1
    assert services.invitation_status(invitation) == "active"  # many uses left


def test_a_join_form_with_a_missing_field_changes_nothing(private_club, college_admin):
    invitation = create(college_admin, private_club, kind="join")
    with pytest.raises(ApplicationError):
        services.invitation_accept(actor=invitee(), code=invitation.code, answers={})
    invitation.refresh_from_db()
    assert invitation.use_count == 0
    assert JoinRequest.objects.filter(org=private_club).count() == 0


def test_a_private_org_needs_a_join_invitation_of_its_own(private_club, college_admin, org_tree):
    from xiaoyou.organizations.services import join_request_submit

    person = invitee()
    with pytest.raises(ApplicationError):
        join_request_submit(actor=person, org=private_club, answers={"company": "示范科技"})
    other = create(college_admin, org_tree.college, kind="join")
    with pytest.raises(ApplicationError) as caught:
        join_request_submit(
            actor=person, org=private_club, answers={"company": "示范科技"}, invitation=other
        )
    assert caught.value.code == services.INVITATION_WRONG_ORG
    assert JoinRequest.objects.filter(org=private_club).count() == 0


def test_an_exhausted_join_link_is_refused(private_club, college_admin):
    invitation = create(college_admin, private_club, kind="join", max_uses=1)
    services.invitation_accept(actor=invitee(), code=invitation.code, answers={"company": "甲"})
    with pytest.raises(ApplicationError) as caught:
        services.invitation_accept(
            actor=invitee("+8613933334444"), code=invitation.code, answers={"company": "乙"}
        )
    assert caught.value.code == services.INVITATION_USED
    assert JoinRequest.objects.filter(org=private_club).count() == 1


# --- console -------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    from allauth.mfa.models import Authenticator

    def sign_in(user):
        # Staff need a TOTP authenticator before the console lets them in.
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
        )
        client.force_login(user)
        return client

    return sign_in


def test_console_list_shows_the_current_orgs_invitations_with_status(
    org_tree, college_admin, regional_admin, staff_client
):
    mine = create(college_admin, org_tree.college, name="王芳")
    services.invitation_revoke(actor=college_admin, invitation=create(college_admin, org_tree.club))
    theirs = create(regional_admin, org_tree.regional, name="李雷")

    page = staff_client(college_admin).get(reverse("console:invitation_list")).content.decode()

    assert "王芳" in page
    assert "李雷" not in page
    assert reverse("console:invitation_detail", args=[mine.pk]) in page
    assert reverse("console:invitation_detail", args=[theirs.pk]) not in page
    assert escape(str(services.InvitationStatus.LABELS["active"])) in page
    assert escape(str(services.InvitationStatus.LABELS["revoked"])) in page

    filtered = staff_client(college_admin).get(
        reverse("console:invitation_list"), {"status": "revoked"}
    )
    assert "王芳" not in filtered.content.decode()


def test_console_nav_has_invitations(org_tree, college_admin, staff_client):
    page = staff_client(college_admin).get(reverse("console:dashboard")).content.decode()
    assert f'href="{reverse("console:invitation_list")}"' in page


def test_console_create_then_detail_with_link_qr_and_poster(org_tree, college_admin, staff_client):
    client = staff_client(college_admin)
    form = client.get(reverse("console:invitation_create")).content.decode()
    # A plain admin is not offered the presidency.
    assert 'value="admin"' in form
    assert 'value="president"' not in form

    response = client.post(
        reverse("console:invitation_create"),
        {"kind": "role", "role": "admin", "channel": "link", "validity": "3", "name": "王芳"},
    )
    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:invitation_detail", args=[invitation.pk])
    assert invitation.org == org_tree.college
    assert invitation.expires_at - timezone.now() > timedelta(days=2, hours=23)

    detail = client.get(response["Location"]).content.decode()
    link = f"http://testserver/invite/{invitation.code}/"
    assert f'value="{link}"' in detail
    assert 'class="qr-code"' in detail
    assert reverse("console:invitation_poster", args=[invitation.pk]) in detail

    poster = client.get(reverse("console:invitation_poster", args=[invitation.pk]))
    assert poster.status_code == 200
    assert 'class="qr-code"' in poster.content.decode()
    assert link in poster.content.decode()


def test_console_create_join_link(org_tree, college_admin, staff_client):
    response = staff_client(college_admin).post(
        reverse("console:invitation_create"),
        {"kind": "join", "channel": "link", "validity": "30", "max_uses": "200"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.role, invitation.max_uses) == ("join", "member", 200)


def test_console_sms_without_a_phone_shows_an_inline_error(org_tree, college_admin, staff_client):
    response = staff_client(college_admin).post(
        reverse("console:invitation_create"),
        {"kind": "role", "role": "admin", "channel": "sms", "validity": "7"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="form-field has-error" data-field="phone"' in page
    assert Invitation.objects.count() == 0


def test_console_sms_without_allocation_says_so(org_tree, college_admin, staff_client, sms_file):
    response = staff_client(college_admin).post(
        reverse("console:invitation_create"),
        {
            "kind": "role",
            "role": "admin",
            "channel": "sms",
            "phone": "13911112222",
            "validity": "7",
        },
    )
    assert response.status_code == 400
    assert escape(message(errors_sms.QUOTA_NO_ALLOCATION)) in response.content.decode()
    assert Invitation.objects.count() == 0


def test_console_revoke(org_tree, college_admin, staff_client):
    invitation = create(college_admin, org_tree.college)
    client = staff_client(college_admin)
    response = client.post(reverse("console:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    detail = client.get(reverse("console:invitation_detail", args=[invitation.pk])).content.decode()
    assert 'data-status="revoked"' in detail
    assert reverse("console:invitation_revoke", args=[invitation.pk]) not in detail


def test_console_pages_of_another_orgs_invitation_are_404(
    org_tree, college_admin, regional_admin, staff_client
):
    invitation = create(college_admin, org_tree.college)
    client = staff_client(regional_admin)
    for name in ("invitation_detail", "invitation_poster"):
        assert client.get(reverse(f"console:{name}", args=[invitation.pk])).status_code == 404
    assert (
        client.post(reverse("console:invitation_revoke", args=[invitation.pk])).status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_platform_admin_sees_every_invitation(
    org_tree, college_admin, regional_admin, platform_admin, staff_client
):
    create(college_admin, org_tree.college, name="王芳")
    create(regional_admin, org_tree.regional, name="李雷")
    page = staff_client(platform_admin).get(reverse("console:invitation_list")).content.decode()
    assert "王芳" in page
    assert "李雷" in page


# --- hall ----------------------------------------------------------------------------------------


def test_signed_out_visitors_see_the_offer_and_are_led_to_sign_in(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college)
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})

    page = client.get(url).content.decode()

    assert org_tree.college.name in page
    back = f"next=%2Finvite%2F{invitation.code}%2F"
    assert f'href="{reverse("account_request_login_code")}?{back}"' in page
    assert f'href="{reverse("account_login")}?{back}"' in page
    assert f'href="{reverse("account_signup")}?{back}"' in page
    assert 'data-action="accept"' not in page


def test_signing_in_comes_back_to_the_invitation(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college)
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
    invitee(phone="+8613911112222")
    response = client.post(
        f"{reverse('account_login')}?next={url}",
        {"login": "13911112222", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == url


def test_share_card_meta_tags(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college, kind="join")
    page = client.get(reverse("hall:invitation_accept", kwargs={"code": invitation.code}))
    html = page.content.decode()
    url = f"http://testserver/invite/{invitation.code}/"
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:image" content="http://testserver/static/img/share.png">' in html
    assert f'<meta property="og:title" content="{escape("Join " + org_tree.college.name)}">' in html
    assert 'class="qr-code"' in html
    # Outside WeChat nothing is loaded from WeChat's servers.
    assert "res.wx.qq.com" not in html


def test_wechat_js_sdk_is_loaded_only_inside_wechat_when_configured(
    org_tree, college_admin, client, settings
):
    invitation = create(college_admin, org_tree.college, kind="join")
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
    wechat_agent = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
    )
    settings.WECHAT_APP_ID = ""
    assert "res.wx.qq.com" not in client.get(url, HTTP_USER_AGENT=wechat_agent).content.decode()
    settings.WECHAT_APP_ID = "wx0000000000000mp"
    assert "res.wx.qq.com" not in client.get(url).content.decode()
    html = client.get(url, HTTP_USER_AGENT=wechat_agent).content.decode()
    assert '<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js" defer></script>' in html
    assert f'data-config-url="{reverse("hall:wechat_js_config")}"' in html


def test_accepting_in_the_hall(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college)
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
    person = invitee()
    client.force_login(person)

    assert 'data-action="accept"' in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    assert OrgRole.objects.filter(user=person, org=org_tree.college, role=Role.ADMIN).exists()
    # Back on the page the code is now used.
    again = client.get(url)
    assert again.status_code == 410
    assert escape(message(services.INVITATION_USED)) in again.content.decode()


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (
            lambda inv: Invitation.objects.filter(pk=inv.pk).update(
                expires_at=timezone.now() - timedelta(hours=1)
            ),
            410,
            services.INVITATION_EXPIRED,
        ),
        (
            lambda inv: Invitation.objects.filter(pk=inv.pk).update(revoked_at=timezone.now()),
            410,
            services.INVITATION_REVOKED,
        ),
    ],
)
def test_hall_page_of_a_dead_code_says_why_and_offers_nothing(
    org_tree, college_admin, client, make, status, code
):
    invitation = create(college_admin, org_tree.college)
    make(invitation)
    client.force_login(invitee())
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert f'data-problem="{code}"' in html
    assert escape(message(code)) in html
    assert 'data-action="accept"' not in html
    # Posting anyway changes nothing.
    client.post(url)
    assert (
        not OrgRole.objects.filter(org=org_tree.college, role=Role.ADMIN)
        .exclude(user=college_admin)
        .exists()
    )


def test_hall_page_of_an_unknown_code(client):
    response = client.get(reverse("hall:invitation_accept", kwargs={"code": "NOSUCHCODE234567"}))
    assert response.status_code == 404
    assert escape(message(services.INVITATION_UNKNOWN)) in response.content.decode()


def test_hall_page_phone_mismatch_is_explained_after_posting(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college, phone="13911112222")
    client.force_login(invitee("+8613933334444"))
    url = reverse("hall:invitation_accept", kwargs={"code": invitation.code})
    assert "2222" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 400
    assert escape(message(services.INVITATION_PHONE_MISMATCH)) in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.use_count == 0


def test_a_join_link_leads_to_the_join_form_with_the_invitation(
    private_club, college_admin, client
):
    invitation = create(college_admin, private_club, kind="join")
    person = invitee()
    client.force_login(person)
    page = client.get(reverse("hall:invitation_accept", kwargs={"code": invitation.code}))
    join_url = (
        f"{reverse('hall:org_join', kwargs={'pk': private_club.pk})}?invitation={invitation.code}"
    )
    assert f'href="{join_url}"' in page.content.decode()

    # The join form refuses a missing required field inline and leaves the code unused ...
    refused = client.post(join_url, {"company": ""})
    assert refused.status_code == 400
    assert 'class="form-field has-error" data-field="company"' in refused.content.decode()
    invitation.refresh_from_db()
    assert invitation.use_count == 0
    # ... and with the field filled the invitation lets the person in and counts one use.
    accepted = client.post(join_url, {"company": "示范科技"})
    assert accepted.status_code == 302
    assert Membership.objects.get(user=person, org=private_club).status == MembershipStatus.ACTIVE
    invitation.refresh_from_db()
    assert invitation.use_count == 1


# --- API -----------------------------------------------------------------------------------------


def api_post(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_create_list_show_revoke(org_tree, college_admin, regional_admin, client):
    client.force_login(college_admin)
    base = f"/api/v1/organizations/{org_tree.college.pk}/invitations"
    created = api_post(
        client, base, {"kind": "role", "role": "admin", "phone": "13911112222", "name": "王芳"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "role"
    assert body["status"] == "active"
    assert body["phone"] == "139****2222"
    assert body["url"] == f"http://testserver/invite/{body['code']}/"

    listed = client.get(base).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert client.get(f"/api/v1/invitations/{body['id']}").json()["name"] == "王芳"

    revoked = client.post(f"/api/v1/invitations/{body['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    again = client.post(f"/api/v1/invitations/{body['id']}/revoke")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == services.INVITATION_ALREADY_REVOKED

    client.force_login(regional_admin)
    assert client.get(base).status_code == 403
    assert api_post(client, base, {"kind": "join"}).status_code == 403
    assert client.get(f"/api/v1/invitations/{body['id']}").status_code == 404
    assert Invitation.objects.count() == 1


def test_api_bad_input_is_a_clear_error(org_tree, college_admin, client):
    client.force_login(college_admin)
    base = f"/api/v1/organizations/{org_tree.college.pk}/invitations"
    response = api_post(client, base, {"kind": "role", "role": "member"})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": services.INVITATION_BAD_ROLE,
        "message": message(services.INVITATION_BAD_ROLE),
        "details": None,
    }
    assert api_post(client, base, {"kind": "join", "validity_days": 0}).status_code == 422
    assert Invitation.objects.count() == 0


def test_api_show_by_code_and_accept(org_tree, college_admin, client):
    invitation = create(college_admin, org_tree.college, role=Role.ADMIN)
    person = invitee()
    client.force_login(person)

    shown = client.get("/api/v1/invitations/by-code", {"code": invitation.code.lower()})
    assert shown.status_code == 200
    assert shown.json()["org_name"] == org_tree.college.name
    assert shown.json()["role"] == "admin"
    assert "code" not in shown.json()

    accepted = api_post(client, "/api/v1/invitations/accept", {"code": invitation.code})
    assert accepted.status_code == 200
    assert accepted.json() == {
        "kind": "role",
        "org_id": org_tree.college.pk,
        "role": "admin",
        "join_request_id": None,
        "join_request_status": "",
    }
    reused = api_post(client, "/api/v1/invitations/accept", {"code": invitation.code})
    assert reused.status_code == 410
    assert reused.json()["error"]["code"] == services.INVITATION_USED
    unknown = client.get("/api/v1/invitations/by-code", {"code": "AAAAAAAAAAAAAAAA"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == services.INVITATION_UNKNOWN


def test_api_accept_a_join_link(private_club, college_admin, client):
    invitation = create(college_admin, private_club, kind="join")
    client.force_login(invitee())
    missing = api_post(client, "/api/v1/invitations/accept", {"code": invitation.code})
    assert missing.status_code == 400
    invitation.refresh_from_db()
    assert invitation.use_count == 0
    accepted = api_post(
        client,
        "/api/v1/invitations/accept",
        {"code": invitation.code, "answers": {"company": "示范科技"}},
    )
    assert accepted.status_code == 200
    assert accepted.json()["kind"] == "join"
    assert accepted.json()["join_request_status"] == "approved"


def test_factory_makes_a_usable_invitation(org_tree):
    invitation = InvitationFactory(org=org_tree.college, role_invitation=True)
    assert (invitation.kind, invitation.role, invitation.max_uses) == ("role", "admin", 1)
    services.invitation_accept(actor=invitee(), code=invitation.code)
    invitation.refresh_from_db()
    assert invitation.use_count == 1
