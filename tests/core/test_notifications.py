from __future__ import annotations

import email
import socket
from email import policy as email_policy

import pytest
from django.core import mail
from django.db import transaction

from tests.factories import (
    DeliveryFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)
from xiaoyou.core import notifications
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Channel, Delivery, Notification, NotificationPreference
from xiaoyou.core.tasks import deliver_notification

pytestmark = pytest.mark.django_db

CONTEXT = {
    "kind_label": "入会申请",
    "summary": "李雷 → 计算机学院校友会",
    "approved": False,
    "reason": "资料 & 照片不全",
    "org_name": "计算机学院校友会",
}


@pytest.fixture
def person(db):
    # English so the assertions on rendered text do not depend on the translations.
    return UserFactory(display_name="李雷", email="lilei@example.com", language="en")


@pytest.fixture
def fake_sms():
    """A test channel standing in for SMS: records what it is given, fails as told."""
    sent: list[Delivery] = []
    failures: list[Exception] = []

    def sender(delivery: Delivery) -> str | None:
        if failures:
            raise failures.pop(0)
        sent.append(delivery)
        return f"msg-{len(sent)}"

    previous = notifications._channels.get(Channel.SMS)
    notifications.register_channel(
        Channel.SMS, sender, is_available=lambda user: bool(user.phone_verified)
    )
    yield sent, failures
    if previous is None:
        notifications.unregister_channel(Channel.SMS)
    else:
        notifications._channels[Channel.SMS] = previous


def test_default_channels_write_the_inbox_and_send_the_email(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        channels = notifications.notify(user=person, kind="review.decided", context=CONTEXT)
    assert channels == ["inapp", "email"]
    note = Notification.objects.get(user=person)
    assert note.title == "Rejected: 李雷 → 计算机学院校友会"
    # Plain text is not HTML-escaped.
    assert note.body.splitlines()[-1] == "Reason: 资料 & 照片不全"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lilei@example.com"]
    assert message.subject == "Rejected: 李雷 → 计算机学院校友会"
    assert "Reason: 资料 & 照片不全" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Reason: 资料 &amp; 照片不全</p>" in html
    delivery = Delivery.objects.get(user=person)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)
    assert delivery.sent_at is not None
    assert delivery.payload["context"]["summary"] == "李雷 → 计算机学院校友会"


def test_preferences_turn_channels_off_and_on(person, fake_sms, django_capture_on_commit_callbacks):
    sent, _failures = fake_sms
    NotificationPreferenceFactory(
        user=person, kind="review.decided", channel="email", is_enabled=False
    )
    NotificationPreferenceFactory(
        user=person, kind="review.decided", channel="inapp", is_enabled=False
    )
    NotificationPreferenceFactory(
        user=person, kind="review.decided", channel="sms", is_enabled=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        channels = notifications.notify(user=person, kind="review.decided", context=CONTEXT)
    assert channels == ["sms"]
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert len(sent) == 1
    assert sent[0].payload["parts"]["text"] == (
        '计算机学院校友会: your submission "李雷 → 计算机学院校友会" was rejected. Reason: 资料 & 照片不全'
    )
    delivery = Delivery.objects.get()
    assert delivery.payload["provider_message_id"] == "msg-1"


def test_unreachable_and_inactive_users_are_skipped(django_capture_on_commit_callbacks):
    no_email = UserFactory(email="", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify(user=no_email, kind="review.decided", context=CONTEXT) == [
            "inapp"
        ]
    inactive = UserFactory(is_active=False)
    assert notifications.notify(user=inactive, kind="review.decided", context=CONTEXT) == []
    assert Notification.objects.filter(user=inactive).count() == 0
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_a_rolled_back_transaction_sends_nothing(person, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify(user=person, kind="review.decided", context=CONTEXT)
        raise RuntimeError("the service failed")
    assert callbacks == []
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_kinds_that_cannot_be_configured_ignore_preferences(person, monkeypatch):
    monkeypatch.setitem(
        notifications._kinds,
        "security.notice",
        notifications.NotificationKind(
            kind="security.notice",
            label="Security",
            default_channels=("inapp",),
            is_configurable=False,
        ),
    )
    monkeypatch.setattr(notifications, "has_template", lambda kind, channel: channel == "inapp")
    monkeypatch.setattr(
        notifications, "render", lambda kind, channel, context: {"title": "新设备登录"}
    )
    NotificationPreferenceFactory(
        user=person, kind="security.notice", channel="inapp", is_enabled=False
    )
    assert notifications.notify(user=person, kind="security.notice", context={}) == ["inapp"]
    assert Notification.objects.get(user=person).title == "新设备登录"
    # Only configurable kinds have a settings row (modules register kinds of their own).
    configurable = [row.kind.kind for row in notifications.preference_rows(person)]
    assert "security.notice" not in configurable
    assert configurable[0] == "review.decided"


def test_a_delivery_is_claimed_once(person):
    delivery = DeliveryFactory(user=person)
    assert notifications.delivery_send(delivery_id=delivery.pk) == "sent"
    assert notifications.delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "主题"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_temporary_failures_retry_then_send(person, fake_sms):
    sent, failures = fake_sms
    failures.extend([ConnectionError("gateway timeout"), ConnectionError("gateway timeout")])
    delivery = DeliveryFactory(user=person, channel="sms", payload={"parts": {"text": "您好"}})
    deliver_notification.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 3, "")
    assert len(sent) == 1


def test_a_worker_retries_with_exponential_backoff(person, fake_sms, monkeypatch):
    _sent, failures = fake_sms
    failures.append(ConnectionError("gateway timeout"))
    delivery = DeliveryFactory(user=person, channel="sms", payload={"parts": {"text": "您好"}})
    countdowns: list[int] = []

    class Retried(Exception):
        pass

    def fake_retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return Retried()

    monkeypatch.setattr(deliver_notification, "retry", fake_retry)
    # As in a worker (not eager), on its third attempt: the next wait is 30 s * 2 ** 2.
    deliver_notification.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(Retried):
            deliver_notification.run(delivery.pk)
    finally:
        deliver_notification.pop_request()
    assert countdowns == [120]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.error == "ConnectionError: gateway timeout"
    assert [notifications.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_permanent_failure_stops_at_once_and_repeated_failure_gives_up(person, fake_sms):
    _sent, failures = fake_sms
    failures.append(notifications.PermanentDeliveryError("empty number"))
    delivery = DeliveryFactory(user=person, channel="sms", payload={"parts": {"text": "您好"}})
    deliver_notification.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, "empty number")

    failures.extend([ConnectionError("down")] * notifications.MAX_ATTEMPTS)
    again = DeliveryFactory(user=person, channel="sms", payload={"parts": {"text": "您好"}})
    deliver_notification.delay(again.pk)
    again.refresh_from_db()
    assert (again.status, again.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert again.error == "ConnectionError: down"


def test_email_without_address_fails_permanently(db):
    delivery = DeliveryFactory(user=UserFactory(email=""))
    assert notifications.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == ("failed", "the user has no email address")


def test_every_kind_has_an_inapp_template_and_templates_for_its_defaults():
    for kind in notifications.kinds():
        assert notifications.has_template(kind.kind, "inapp"), kind.kind
        for channel in kind.default_channels:
            assert notifications.has_template(kind.kind, channel), (kind.kind, channel)


def test_preferences_update_saves_choices_of_the_user_only(person, outsider):
    changed = notifications.notification_preferences_update(
        actor=person,
        user=person,
        choices={("review.decided", "email"): False, ("review.decided", "inapp"): True},
    )
    assert changed == 2
    assert set(NotificationPreference.objects.values_list("kind", "channel", "is_enabled")) == {
        ("review.decided", "email", False),
        ("review.decided", "inapp", True),
    }
    assert notifications.enabled_channels(person, "review.decided") == ["inapp"]
    with pytest.raises(ApplicationError) as raised:
        notifications.notification_preferences_update(
            actor=outsider, user=person, choices={("review.decided", "email"): True}
        )
    assert raised.value.code == "permission_denied"
    with pytest.raises(ApplicationError):
        notifications.notification_preferences_update(
            actor=person, user=person, choices={("review.decided", "carrier-pigeon"): True}
        )


def test_mark_read_and_mark_all_read(person, outsider):
    first, _second = NotificationFactory.create_batch(2, user=person)
    other = NotificationFactory(user=outsider)
    notifications.notification_mark_read(actor=person, notification=first)
    first.refresh_from_db()
    assert first.read_at is not None
    with pytest.raises(ApplicationError):
        notifications.notification_mark_read(actor=person, notification=other)
    assert notifications.notification_mark_all_read(actor=person) == 1
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=other.pk).read_at is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_email_goes_out_through_a_real_smtp_server(
    person, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller

    received: list[tuple[str, list[str], bytes]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 Message accepted for delivery"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.DEFAULT_FROM_EMAIL = "校友会 <noreply@alumni.example.edu>"
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify(user=person, kind="review.decided", context=CONTEXT)
    finally:
        controller.stop()
    assert len(received) == 1
    mail_from, recipients, content = received[0]
    assert mail_from == "noreply@alumni.example.edu"
    assert recipients == ["lilei@example.com"]
    parsed = email.message_from_bytes(content, policy=email_policy.default)
    # Python's parser keeps the folding space of the encoded header; the text itself is exact.
    assert parsed["Subject"].strip() == "Rejected: 李雷 → 计算机学院校友会"
    assert parsed["X-Xiaoyou-Delivery"] == str(Delivery.objects.get().pk)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert "Reason: 资料 & 照片不全" in text
    assert Delivery.objects.get().status == "sent"
