"""Notices to registrants (群发通知): the audience (live by default, status, ticket type, checked
in or not, one per person, accounts only), the recipient count before sending, the SMS quota
(the organization's allocation: reserved up front, refused when short before anything is sent,
charged per text handed to the SMS channel, given back for texts no longer sent), the rate limit,
the background job (one notification per person and channel; a retried job notifies nobody
twice), the audit entry, bad input and permissions; the console page (preview, send, history
with progress, a fixed query count)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from tests.factories import UserFactory
from tests.messaging.sms_support import give_sms, sms_allocation
from tests.organizations.org_support import console_login
from xiaoyou.core import jobs, notifications
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import (
    AuditEntry,
    Delivery,
    Job,
    JobStatus,
    Notification,
    NotificationPreference,
)
from xiaoyou.events import errors_engagement as errors
from xiaoyou.events.models import (
    EventNotice,
    EventNoticeRecipient,
    NoticeRecipientStatus,
    RegistrationStatus,
)
from xiaoyou.events.services.registrant_notices import (
    CHANNEL_KINDS,
    Audience,
    available_channels,
    notice_preview,
    notice_send,
)
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import SmsAllocation, SmsQuota
from xiaoyou.messaging.sms_text import billed_segments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(org_tree):
    """An event of the college with two ticket types and registrations in several states."""
    event = EventFactory(org=org_tree.college, title="校庆晚会")
    per_text = _per_text(event)
    # Room for 10 texts of the default notice in the college's allocation of this year.
    give_sms(org_tree.college, 10 * per_text)
    adult = TicketTypeFactory(event=event, name="校友票")
    family = TicketTypeFactory(event=event, name="家属票")
    people = {name: UserFactory(display_name=name, language="en") for name in "ABCDEF"}

    def register(name, status, ticket, **fields):
        return RegistrationFactory(
            event=event, ticket_type=ticket, user=people[name], name=name, status=status, **fields
        )

    registrations = {
        "A": register("A", RegistrationStatus.CONFIRMED, adult, checked_in_at=timezone.now()),
        "B": register("B", RegistrationStatus.CONFIRMED, family),
        "C": register("C", RegistrationStatus.WAITLISTED, adult),
        "D": register("D", RegistrationStatus.CANCELLED, adult),
        "E": register("E", RegistrationStatus.PENDING_REVIEW, family),
    }
    # F cancelled once and registered again: one person, one notice.
    register("F", RegistrationStatus.CANCELLED, adult)
    registrations["F"] = register("F", RegistrationStatus.CONFIRMED, adult)
    # A registration without an account cannot be notified.
    RegistrationFactory(
        event=event, ticket_type=adult, user=None, name="无账号", status="confirmed"
    )
    people["B"].phone_verified = False
    people["B"].save(update_fields=["phone_verified"])
    return {
        "event": event,
        "adult": adult,
        "family": family,
        "people": people,
        "registrations": registrations,
        "per_text": per_text,
    }


def _per_text(event, title="集合时间变更", body="请于18:00在南门集合。") -> int:
    """Billed segments of one text of a notice (its SMS template, signature included)."""
    text = notifications.render(
        CHANNEL_KINDS["sms"],
        "sms",
        {
            "event_title": event.title,
            "org_name": event.org.name,
            "title": title,
            "body": body,
            "name": "",
            "url": reverse("hall:event", args=[event.pk]),
        },
    )["text"]
    return billed_segments(text)


def _used_and_reserved(setup) -> tuple[int, int]:
    allocation = sms_allocation(setup["event"].org)
    return allocation.used, allocation.reserved


def _send(setup, actor, *, channels=("inapp",), audience=Audience(), **fields):
    return notice_send(
        actor=actor,
        event=setup["event"],
        title=fields.get("title", "集合时间变更"),
        body=fields.get("body", "请于18:00在南门集合。"),
        channels=list(channels),
        audience=audience,
    )


def _recipient_names(notice) -> list[str]:
    return sorted(
        EventNoticeRecipient.objects.filter(notice=notice).values_list(
            "registration__name", flat=True
        )
    )


def test_channels_offered_are_the_registered_ones():
    assert available_channels() == ["inapp", "email", "sms", "wechat"]


def test_audience_defaults_to_live_registrants_one_per_person(setup, college_admin):
    notice = _send(setup, college_admin)
    assert _recipient_names(notice) == ["A", "B", "C", "E", "F"]
    assert notice.recipient_count == 5
    registration_f = setup["registrations"]["F"]
    assert EventNoticeRecipient.objects.get(
        notice=notice, user=registration_f.user
    ).registration == (registration_f)


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience(statuses=("confirmed",)), ["A", "B", "F"]),
        (Audience(statuses=("cancelled",)), ["D", "F"]),
        (Audience(statuses=("confirmed", "cancelled")), ["A", "B", "D", "F"]),
        (Audience(checked_in=True), ["A"]),
        (Audience(checked_in=False), ["B", "C", "E", "F"]),
    ],
)
def test_audience_filters(setup, college_admin, audience, expected):
    assert _recipient_names(_send(setup, college_admin, audience=audience)) == expected


def test_audience_by_ticket_type(setup, college_admin):
    family = Audience(ticket_type_id=setup["family"].pk)
    assert _recipient_names(_send(setup, college_admin, audience=family)) == ["B", "E"]


def test_preview_counts_before_sending(setup, college_admin):
    preview = notice_preview(
        actor=college_admin,
        event=setup["event"],
        audience=Audience(),
        channels=["inapp", "sms"],
        title="集合时间变更",
        body="请于18:00在南门集合。",
    )
    per = setup["per_text"]
    # B's phone is not verified: 4 texts for 5 people; the account-less registration is left out.
    assert (preview.recipients, preview.without_account, preview.sms_needed) == (5, 1, 4)
    assert (preview.sms_segments, preview.sms_remaining, preview.is_sms_short) == (
        4 * per,
        10 * per,
        False,
    )
    assert preview.channels == ["inapp", "sms"]
    # A long message costs more segments per text: 4 texts of 500 characters do not fit.
    long = notice_preview(
        actor=college_admin,
        event=setup["event"],
        audience=Audience(),
        channels=["sms"],
        title="集合时间变更",
        body="长" * 500,
    )
    assert long.sms_segments == 4 * _per_text(setup["event"], body="长" * 500)
    assert (long.sms_segments > 10 * per, long.is_sms_short) == (True, True)
    NotificationPreference.objects.create(
        user=setup["people"]["A"], kind=CHANNEL_KINDS["sms"], channel="sms", is_enabled=False
    )
    preview = notice_preview(
        actor=college_admin, event=setup["event"], audience=Audience(), channels=["inapp"]
    )
    assert (preview.recipients, preview.sms_needed) == (5, 0)
    assert EventNotice.objects.count() == 0


def test_sending_runs_a_job_with_one_notification_per_person_and_channel(
    setup, college_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(setup, college_admin, channels=["inapp", "sms", "email"])
    notice.refresh_from_db()
    job = Job.objects.get(pk=notice.job_id)
    assert (job.kind, job.status, job.total, job.done) == (
        "events.notice",
        JobStatus.SUCCEEDED,
        5,
        5,
    )
    assert job.result == {"recipients": 5, "sent": 5, "skipped": 0}
    assert notice.sent_count == 5
    inbox = Notification.objects.filter(kind="events.notice")
    assert sorted(inbox.values_list("user__display_name", flat=True)) == ["A", "B", "C", "E", "F"]
    item = inbox.get(user=setup["people"]["A"])
    assert (item.title, item.body) == ("校庆晚会: 集合时间变更", "请于18:00在南门集合。")
    assert item.url == f"/events/{setup['event'].pk}/"
    texts = Delivery.objects.filter(kind="events.notice.sms")
    assert texts.count() == 4
    assert set(texts.values_list("status", flat=True)) == {"sent"}
    assert "请于18:00在南门集合。" in texts.first().payload["parts"]["text"]
    assert Delivery.objects.filter(kind="events.notice.email", status="sent").count() == 5
    assert len(mail.outbox) == 5
    assert mail.outbox[0].subject == "校庆晚会: 集合时间变更"
    assert "Dear " in mail.outbox[0].body
    recipient_a = EventNoticeRecipient.objects.get(notice=notice, user=setup["people"]["A"])
    assert (recipient_a.status, recipient_a.channels) == ("sent", ["inapp", "email", "sms"])
    recipient_b = EventNoticeRecipient.objects.get(notice=notice, user=setup["people"]["B"])
    assert recipient_b.channels == ["inapp", "email"]
    per = setup["per_text"]
    # What was charged per text is what the delivered text costs.
    assert billed_segments(texts.first().payload["parts"]["text"]) == per
    assert _used_and_reserved(setup) == (4 * per, 0)
    assert notice.sms_debited == 4


def test_a_retried_job_notifies_nobody_twice(
    setup, college_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(setup, college_admin, channels=["inapp", "sms"])
    assert Notification.objects.filter(kind="events.notice").count() == 5
    # A worker died after two people: the job is run again from the start.
    EventNoticeRecipient.objects.filter(
        notice=notice, user__display_name__in=["C", "E", "F"]
    ).update(status=NoticeRecipientStatus.QUEUED)
    Notification.objects.filter(
        kind="events.notice", user__display_name__in=["C", "E", "F"]
    ).delete()
    # Their texts were charged in the transactions that died with the worker: still reserved.
    per = setup["per_text"]
    SmsAllocation.objects.filter(org=setup["event"].org).update(
        used=F("used") - 3 * per, reserved=F("reserved") + 3 * per
    )
    SmsQuota.objects.update(used=F("used") - 3 * per, reserved=F("reserved") + 3 * per)
    Job.objects.filter(pk=notice.job_id).update(status=JobStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = jobs.job_run(notice.job_id)
    assert outcome.status == "succeeded"
    assert Notification.objects.filter(kind="events.notice").count() == 5
    for name in "ABCEF":
        assert (
            Notification.objects.filter(kind="events.notice", user__display_name=name).count() == 1
        )
    # A duplicated message of a finished job is skipped.
    assert jobs.job_run(notice.job_id).status == "skipped"
    assert Notification.objects.filter(kind="events.notice").count() == 5
    # Each text charged once: the re-run charged those it reached again (C, E, F).
    assert _used_and_reserved(setup) == (4 * per, 0)


def test_texts_no_longer_sent_are_given_back(
    setup, college_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = _send(setup, college_admin, channels=["sms"])
    per = setup["per_text"]
    assert _used_and_reserved(setup) == (0, 4 * per)
    # Before the job reaches them, A turns event texts off and C loses the verified phone.
    NotificationPreference.objects.create(
        user=setup["people"]["A"], kind=CHANNEL_KINDS["sms"], channel="sms", is_enabled=False
    )
    setup["people"]["C"].phone_verified = False
    setup["people"]["C"].save(update_fields=["phone_verified"])
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    notice.refresh_from_db()
    assert _used_and_reserved(setup) == (2 * per, 0)
    assert sms_allocation(setup["event"].org).remaining == 8 * per
    assert notice.sms_debited == 2
    assert Delivery.objects.filter(kind="events.notice.sms").count() == 2
    statuses = dict(
        EventNoticeRecipient.objects.filter(notice=notice).values_list(
            "registration__name", "status"
        )
    )
    assert statuses == {"A": "skipped", "B": "skipped", "C": "skipped", "E": "sent", "F": "sent"}


def test_the_allocation_must_cover_the_batch(setup, college_admin):
    per = setup["per_text"]
    give_sms(setup["event"].org, 3 * per)
    with pytest.raises(ApplicationError) as excinfo:
        _send(setup, college_admin, channels=["inapp", "sms"])
    assert excinfo.value.code == errors_sms.QUOTA_ORG_EXCEEDED
    assert excinfo.value.params == {"needed": 4 * per, "remaining": 3 * per}
    assert excinfo.value.status == 409
    assert EventNotice.objects.count() == 0
    assert Job.objects.count() == 0
    assert Delivery.objects.count() == 0
    # Without SMS the allocation does not matter.
    assert _send(setup, college_admin, channels=["inapp"]).sms_debited == 0
    assert _used_and_reserved(setup) == (0, 0)


def test_sending_is_audited(setup, college_admin):
    notice = _send(
        setup, college_admin, channels=["inapp", "sms"], audience=Audience(checked_in=True)
    )
    entry = AuditEntry.objects.get(action="events.notice.send")
    assert (entry.object_id, entry.actor_id, entry.org_id) == (
        str(notice.pk),
        college_admin.pk,
        setup["event"].org_id,
    )
    assert entry.changes == {
        "recipients": [None, 1],
        "channels": [None, ["inapp", "sms"]],
        "audience": [None, {"statuses": [], "ticket_type": None, "checked_in": True}],
        "sms_debited": [None, 1],
        "sms_segments": [None, setup["per_text"]],
    }


def test_rate_limit_per_event(setup, college_admin, settings):
    settings.EVENTS_NOTICE_RATE = "2/3600"
    _send(setup, college_admin)
    _send(setup, college_admin)
    with pytest.raises(ApplicationError) as excinfo:
        _send(setup, college_admin)
    assert (excinfo.value.code, excinfo.value.status) == (errors.NOTICE_RATE_LIMITED, 429)
    assert EventNotice.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"channels": []}, errors.NOTICE_CHANNEL_REQUIRED),
        ({"channels": ["inapp", "fax"]}, errors.NOTICE_CHANNEL_REQUIRED),
        ({"title": "  "}, errors.NOTICE_TEXT_REQUIRED),
        ({"body": "\n"}, errors.NOTICE_TEXT_REQUIRED),
        ({"title": "题" * 61}, errors.NOTICE_TOO_LONG),
        ({"body": "文" * 501}, errors.NOTICE_TOO_LONG),
        ({"audience": Audience(statuses=("bogus",))}, "invalid_input"),
        ({"audience": Audience(statuses=("rejected",))}, errors.NOTICE_NO_RECIPIENTS),
    ],
)
def test_bad_input(setup, college_admin, changes, code):
    with pytest.raises(ApplicationError) as excinfo:
        _send(setup, college_admin, **changes)
    assert excinfo.value.code == code
    assert EventNotice.objects.count() == 0


def test_a_ticket_type_of_another_event_is_refused(setup, org_tree, college_admin):
    foreign = TicketTypeFactory(event=EventFactory(org=org_tree.college))
    with pytest.raises(ApplicationError) as excinfo:
        _send(setup, college_admin, audience=Audience(ticket_type_id=foreign.pk))
    assert excinfo.value.code == "invalid_input"


def test_only_the_events_managers_send(setup, regional_admin, verified_alumnus, platform_admin):
    for user in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            _send(setup, user)
        with pytest.raises(PermissionDenied):
            notice_preview(actor=user, event=setup["event"], audience=Audience(), channels=[])
    assert _send(setup, platform_admin).recipient_count == 5
    assert jobs.may_start(regional_admin, "events.notice", setup["event"].org) is False


# --- Console ------------------------------------------------------------------------------------


def _url(setup) -> str:
    return reverse("console:event_notices", args=[setup["event"].pk])


def test_console_page_preview_then_send(
    client, setup, college_admin, django_capture_on_commit_callbacks
):
    console_login(client, college_admin)
    response = client.get(_url(setup))
    assert response.status_code == 200
    html = response.content.decode()
    for channel in ("inapp", "email", "sms", "wechat"):
        assert f'value="{channel}"' in html
    data = {
        "channels": ["inapp", "sms"],
        "statuses": ["confirmed"],
        "ticket_type": "",
        "checked_in": "",
        "title": "明晚见",
        "body": "记得带证件。",
    }
    response = client.post(_url(setup), {**data, "action": "preview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-recipients="3" data-sms-needed="2"' in html
    assert EventNotice.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(setup), {**data, "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == _url(setup)
    notice = EventNotice.objects.get()
    assert (notice.title, notice.recipient_count, notice.channels) == (
        "明晚见",
        3,
        ["inapp", "sms"],
    )
    html = client.get(_url(setup)).content.decode()
    assert f'data-notice="{notice.pk}"' in html
    assert f'id="job-progress-{notice.job_id}" data-status="succeeded"' in html


def test_console_page_shows_errors_inline(client, setup, college_admin):
    give_sms(setup["event"].org, 0)
    console_login(client, college_admin)
    data = {"channels": ["sms"], "title": "通知", "body": "内容", "action": "send"}
    response = client.post(_url(setup), data)
    assert response.status_code == 200
    assert "data-notice-error" in response.content.decode()
    assert EventNotice.objects.count() == 0
    response = client.post(_url(setup), {**data, "channels": ["fax"]})
    assert response.context["form"].errors["channels"]


def test_console_page_is_for_the_events_managers(client, setup, regional_admin):
    console_login(client, regional_admin)
    assert client.get(_url(setup)).status_code == 404
    assert client.post(_url(setup), {"action": "send"}).status_code == 404


def test_console_history_query_count_is_fixed(
    client, setup, college_admin, settings, django_assert_max_num_queries
):
    settings.EVENTS_NOTICE_RATE = "100/3600"
    console_login(client, college_admin)
    _send(setup, college_admin)
    with django_assert_max_num_queries(40) as few:
        client.get(_url(setup))
    for index in range(8):
        _send(setup, college_admin, title=f"通知{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(setup))
    assert len(response.context["notices"]) == 9
