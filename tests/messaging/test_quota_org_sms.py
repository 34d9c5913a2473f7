"""Every SMS sent for an organization draws from the one messaging quota: an invitation text
(organizations) and an event notice text (events) are charged to the organization's allocation,
show up in the usage dashboard's figures, and are refused before anything is sent once the
allocation is exhausted. Also the data migration that carried the old SMS balances into the
current year's allocations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from tests.factories import UserFactory
from tests.messaging.sms_support import console_login, give_sms, sms_allocation
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Delivery
from xiaoyou.core.sms.file import FileSmsBackend
from xiaoyou.events.models import EventNotice
from xiaoyou.events.services.registrant_notices import Audience, notice_preview, notice_send
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import SmsUsage
from xiaoyou.messaging.services.quota import local_today
from xiaoyou.organizations.models import Invitation, Role
from xiaoyou.organizations.services.invitations import invitation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path) -> FileSmsBackend:
    cache.clear()  # the invitation and notice rate limits
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return FileSmsBackend(tmp_path / "sms.log")


@pytest.fixture
def event(org_tree):
    """An event of the college with two registrants who get texts (verified phones)."""
    event = EventFactory(org=org_tree.college, title="校庆晚会")
    ticket = TicketTypeFactory(event=event, name="校友票")
    for name, phone in (("甲", "+8613700001001"), ("乙", "+8613700001002")):
        user = UserFactory(display_name=name, phone=phone, phone_verified=True)
        RegistrationFactory(event=event, ticket_type=ticket, user=user, name=name)
    return event


def _invite_by_sms(actor, org, phone: str) -> Invitation:
    return invitation_create(
        actor=actor,
        org=org,
        kind="role",
        role=Role.ADMIN,
        channel="sms",
        phone=phone,
        name="王芳",
        expires_in=timedelta(days=7),
    )


def _notice_by_sms(actor, event) -> EventNotice:
    return notice_send(
        actor=actor,
        event=event,
        title="集合时间变更",
        body="请于18:00在南门集合。",
        channels=["sms"],
        audience=Audience(),
    )


def _notice_segments(actor, event) -> int:
    return notice_preview(
        actor=actor,
        event=event,
        audience=Audience(),
        channels=["sms"],
        title="集合时间变更",
        body="请于18:00在南门集合。",
    ).sms_segments


def test_invitation_and_notice_texts_show_in_the_usage_dashboard(
    client,
    org_tree,
    platform_admin,
    college_admin,
    event,
    outbox,
    django_capture_on_commit_callbacks,
):
    give_sms(org_tree.college, 50)
    _invite_by_sms(college_admin, org_tree.college, "13911112222")
    after_invitation = sms_allocation(org_tree.college).used
    assert after_invitation >= 1
    notice_segments = _notice_segments(college_admin, event)
    with django_capture_on_commit_callbacks(execute=True):
        notice = _notice_by_sms(college_admin, event)
    assert Delivery.objects.filter(kind="events.notice.sms", status="sent").count() == 2
    notice.refresh_from_db()
    assert notice.sms_debited == 2
    # The invitation went through the SMS backend directly, the notice through the SMS channel.
    assert len(outbox.messages()) == 3

    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved) == (after_invitation + notice_segments, 0)
    usage = SmsUsage.objects.get(org=org_tree.college, month=local_today().replace(day=1))
    assert (
        usage.campaign_segments,
        usage.birthday_segments,
        usage.invitation_segments,
        usage.notice_segments,
    ) == (0, 0, after_invitation, notice_segments)

    console_login(client, platform_admin)
    page = client.get(reverse("console:messaging_quota"))
    assert page.status_code == 200
    [by_org] = page.context["by_org"]
    assert (by_org["org__name"], by_org["invitations"], by_org["notices"], by_org["total"]) == (
        org_tree.college.name,
        after_invitation,
        notice_segments,
        after_invitation + notice_segments,
    )
    [month] = page.context["months"]
    assert (month["invitations"], month["notices"], month["total"]) == (
        after_invitation,
        notice_segments,
        after_invitation + notice_segments,
    )
    assert page.context["quota"].used == after_invitation + notice_segments
    html = page.content.decode()
    assert f'data-allocation="{org_tree.college.pk}"' in html
    assert f"data-usage-notices>{notice_segments}<" in html


def test_both_are_refused_before_sending_once_the_allocation_is_exhausted(
    org_tree, college_admin, event, outbox, django_capture_on_commit_callbacks
):
    give_sms(org_tree.college, 50)
    _invite_by_sms(college_admin, org_tree.college, "13911112222")
    used = sms_allocation(org_tree.college).used
    # The allocation is lowered to what is used: nothing is left.
    give_sms(org_tree.college, used)
    sent_before = len(outbox.messages())

    with pytest.raises(ApplicationError) as refused_invitation:
        _invite_by_sms(college_admin, org_tree.college, "13911113333")
    assert (refused_invitation.value.code, refused_invitation.value.status) == (
        errors_sms.QUOTA_ORG_EXCEEDED,
        409,
    )
    assert refused_invitation.value.params["remaining"] == 0

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ApplicationError) as refused_notice,
    ):
        _notice_by_sms(college_admin, event)
    assert refused_notice.value.code == errors_sms.QUOTA_ORG_EXCEEDED
    assert refused_notice.value.params == {
        "needed": _notice_segments(college_admin, event),
        "remaining": 0,
    }

    assert len(outbox.messages()) == sent_before
    assert Invitation.objects.count() == 1
    assert EventNotice.objects.count() == 0
    assert Delivery.objects.filter(kind="events.notice.sms").count() == 0
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (used, 0, 0)


# --- The data migration --------------------------------------------------------------------------

BEFORE = [
    ("messaging", "0005_sms_usage_invitations_notices"),
    ("organizations", "0003_membership_invitations_links"),
]
AFTER = [
    ("messaging", "0006_carry_organization_sms_balance"),
    ("organizations", "0004_remove_organization_sms_balance"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_balances_into_this_years_allocations(settings):
    """Each organization's remaining balance is added to its allocation of the current year;
    the school's quota is raised when the allocations would exceed it; no balance is lost."""
    settings.MESSAGING_SMS_ANNUAL_QUOTA = 1000
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Organization = apps.get_model("organizations", "Organization")
        SmsQuota = apps.get_model("messaging", "SmsQuota")
        SmsAllocation = apps.get_model("messaging", "SmsAllocation")
        year = timezone.localdate().year
        main = Organization.objects.create(name="总会", kind="main", path="m", sms_balance=700)
        college = Organization.objects.create(
            name="学院", kind="college", path="m.c", parent=main, sms_balance=400
        )
        Organization.objects.create(name="俱乐部", kind="club", path="m.k", parent=main)
        quota = SmsQuota.objects.create(year=year, total=1000)
        SmsAllocation.objects.create(quota=quota, org=college, allocated=100, used=60)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        SmsQuota = apps.get_model("messaging", "SmsQuota")
        SmsAllocation = apps.get_model("messaging", "SmsAllocation")
        allocations = dict(
            SmsAllocation.objects.filter(quota__year=year).values_list("org__name", "allocated")
        )
        assert allocations == {"总会": 700, "学院": 500}
        college_allocation = SmsAllocation.objects.get(org__name="学院")
        assert college_allocation.allocated - college_allocation.used == 40 + 400
        # 1,200 allocated > the quota of 1,000: raised so no one loses a message.
        assert SmsQuota.objects.get(year=year).total == 1200
        Organization = apps.get_model("organizations", "Organization")
        assert not hasattr(Organization.objects.first(), "sms_balance")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
