"""Campaign mail through provider backends (django-anymail) against local emulators of Mailgun's
and Postmark's documented HTTP APIs, and their tracking webhooks mapped onto the delivery
records and the suppression list (once per event, signatures and basic auth checked)."""

from __future__ import annotations

import base64
import json
from email.header import decode_header, make_header

import pytest
from django.test import Client
from django.urls import reverse

from tests.emulators.mailgun import MailgunEmulator
from tests.emulators.postmark import PostmarkEmulator
from xiaoyou.core.env import EnvironmentError_
from xiaoyou.core.models import Job
from xiaoyou.messaging import email_provider_conf, email_sending, email_tracking
from xiaoyou.messaging.models import (
    EmailEvent,
    EmailMessage,
    EmailProviderEvent,
    Suppression,
)
from xiaoyou.messaging.services import email_campaigns as services

pytestmark = pytest.mark.django_db

DOMAIN = "alumni.example.edu"
WEBHOOK_AUTH = "hook:s3cret-hook"
BODY = (
    "<p>亲爱的{{ name }}校友：</p><p>{{ org }}邀请您回家。</p>"
    '<p><a href="https://alumni.example.edu/events/7/">报名</a></p>'
)


def _common_settings(settings) -> None:
    settings.MESSAGING_EMAIL_FROM = f"示范大学校友总会 <news@{DOMAIN}>"
    settings.MESSAGING_BOUNCE_ADDRESS = f"bounces@{DOMAIN}"
    settings.SITE_URL = f"https://{DOMAIN}"


@pytest.fixture
def mailgun(settings):
    emulator = MailgunEmulator(
        api_key="key-test-123", domains={DOMAIN}, webhook_signing_key="signing-key-456"
    )
    with emulator:
        _common_settings(settings)
        settings.EMAIL_BACKEND = email_provider_conf.PROVIDER_BACKENDS["mailgun"]
        settings.ANYMAIL = {
            "MAILGUN_API_KEY": "key-test-123",
            "MAILGUN_API_URL": emulator.api_url,
            "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key-456",
            "WEBHOOK_SECRET": [WEBHOOK_AUTH],
        }
        yield emulator


@pytest.fixture
def postmark(settings):
    emulator = PostmarkEmulator(server_token="pm-token-789", inactive={"dead@example.com"})
    with emulator:
        _common_settings(settings)
        settings.EMAIL_BACKEND = email_provider_conf.PROVIDER_BACKENDS["postmark"]
        settings.MESSAGING_POSTMARK_STREAM = "broadcast"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": "pm-token-789",
            "POSTMARK_API_URL": emulator.url + "/",
            "WEBHOOK_SECRET": [WEBHOOK_AUTH],
        }
        yield emulator


def _send(org, actor, capture, rows):
    campaign = services.email_campaign_create(
        actor=actor,
        org=org,
        name="返校邀请",
        subject="{{ name }}，欢迎回家",
        body_html=BODY,
        audience_kind="upload",
        uploaded=[{"name": name, "email": address} for name, address in rows],
    )
    with capture(execute=True):
        services.email_campaign_send(actor=actor, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def _decoded(values: list[str]) -> list[str]:
    """Address fields as a mail client shows them (anymail RFC 2047-encodes display names)."""
    return [str(make_header(decode_header(value))) for value in values]


def _auth(credentials: str = WEBHOOK_AUTH) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _post(url: str, body, credentials: str = WEBHOOK_AUTH):
    return Client().post(
        url, data=json.dumps(body), content_type="application/json", **_auth(credentials)
    )


def _state(message: EmailMessage) -> tuple:
    message.refresh_from_db()
    return (
        message.status,
        message.bounce_kind,
        message.delivered_at,
        message.open_count,
        message.click_count,
        message.complained_at,
        message.unsubscribed_at,
        EmailEvent.objects.filter(message=message).count(),
        sorted(Suppression.objects.values_list("email", "reason")),
    )


# --- Mailgun ---------------------------------------------------------------------------------


def test_mailgun_receives_the_campaign_with_rfc8058_headers_and_the_row_keeps_its_id(
    org_tree, college_admin, mailgun, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email="gone@example.com", reason="unsubscribed")
    campaign = _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("王芳", "wang@example.com"), ("李雷", "li@example.com"), ("某人", "gone@example.com")],
    )

    assert campaign.status == "sent"
    assert sorted(_decoded(sent["fields"]["to"])[0] for sent in mailgun.sent) == [
        "李雷 <li@example.com>",
        "王芳 <wang@example.com>",
    ]
    assert {sent["domain"] for sent in mailgun.sent} == {DOMAIN}
    wang = EmailMessage.objects.get(email="wang@example.com")
    token = email_tracking.message_token(wang.pk)
    sent = next(item for item in mailgun.sent if "wang@" in item["fields"]["to"][0])
    fields = sent["fields"]
    assert _decoded(fields["from"]) == [f"示范大学校友总会 <news@{DOMAIN}>"]
    assert fields["subject"] == ["王芳，欢迎回家"]
    assert fields["h:List-Unsubscribe"] == [
        f"<https://{DOMAIN}/m/u/{token}/>, "
        f"<mailto:unsubscribe+{token}@{DOMAIN}?subject=unsubscribe>"
    ]
    assert fields["h:List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]
    assert fields["h:Message-Id"] == [f"<{token}.{campaign.pk}@{DOMAIN}>"]
    assert fields["v:xiaoyou_message"] == [token]
    assert fields["v:xiaoyou_campaign"] == [str(campaign.pk)]
    # Our pixel and links count opens and clicks; the provider's own tracking is off.
    assert fields["o:tracking-opens"] == ["no"] and fields["o:tracking-clicks"] == ["no"]
    assert "亲爱的王芳校友" in fields["text"][0]
    assert f"https://{DOMAIN}/m/u/{token}/" in fields["text"][0]
    html = fields["html"][0]
    assert "亲爱的王芳校友" in html and f"https://{DOMAIN}/m/o/{token}.gif" in html
    assert f'href="https://{DOMAIN}/m/c/{token}/0/"' in html

    rows = {row.email: row for row in EmailMessage.objects.all()}
    assert set(rows) == {"wang@example.com", "li@example.com"}
    assert rows["wang@example.com"].provider_message_id == sent["id"]
    assert rows["wang@example.com"].provider_status == "queued"
    assert rows["wang@example.com"].status == "sent"
    assert rows["li@example.com"].provider_message_id != sent["id"]


def test_mailgun_webhooks_update_tracking_and_suppression_once(
    org_tree, college_admin, mailgun, django_capture_on_commit_callbacks
):
    _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("王芳", "wang@example.com"), ("李雷", "li@example.com"), ("韩梅", "han@example.com")],
    )
    url = reverse("anymail:mailgun_tracking_webhook")
    by_address = {item["fields"]["to"][0].rpartition("<")[2][:-1]: item for item in mailgun.sent}
    wang = EmailMessage.objects.get(email="wang@example.com")
    li = EmailMessage.objects.get(email="li@example.com")
    han = EmailMessage.objects.get(email="han@example.com")

    delivered = mailgun.signed_event(by_address["wang@example.com"], "delivered")
    assert _post(url, delivered).status_code == 200
    wang.refresh_from_db()
    assert wang.delivered_at is not None and wang.status == "sent"

    opened = mailgun.signed_event(by_address["wang@example.com"], "opened")
    assert _post(url, opened).status_code == 200
    before = _state(wang)
    assert before[3] == 1
    assert _post(url, opened).status_code == 200  # the same webhook posted again
    assert _state(wang) == before
    again = mailgun.signed_event(by_address["wang@example.com"], "opened")
    assert _post(url, again).status_code == 200
    assert _state(wang)[3] == 2  # a second, distinct open counts

    clicked = mailgun.signed_event(
        by_address["wang@example.com"], "clicked", url="https://alumni.example.edu/events/7/"
    )
    assert _post(url, clicked).status_code == 200
    assert _state(wang)[4] == 1

    deferred = mailgun.signed_event(
        by_address["li@example.com"],
        "failed",
        severity="temporary",
        reason="generic",
        **{"delivery-status": {"code": 452, "message": "4.2.2 Mailbox full"}},
    )
    assert _post(url, deferred).status_code == 200
    li.refresh_from_db()
    assert li.status == "sent"  # the provider retries; our sender must not send it again
    assert EmailEvent.objects.filter(message=li, kind="deferred").count() == 1

    bounced = mailgun.signed_event(
        by_address["li@example.com"],
        "failed",
        severity="permanent",
        reason="bounce",
        **{
            "delivery-status": {
                "code": 550,
                "message": "5.1.1 The email account that you tried to reach does not exist",
                "description": "",
            }
        },
    )
    assert _post(url, bounced).status_code == 200
    li.refresh_from_db()
    assert (li.status, li.bounce_kind, li.bounce_status) == ("bounced", "hard", "5.1.1")
    assert Suppression.objects.get(email="li@example.com").reason == "hard_bounce"
    before = _state(li)
    assert _post(url, bounced).status_code == 200
    assert _state(li) == before

    complained = mailgun.signed_event(by_address["han@example.com"], "complained")
    assert _post(url, complained).status_code == 200
    han.refresh_from_db()
    assert han.complained_at is not None
    assert Suppression.objects.get(email="han@example.com").reason == "complaint"

    unsubscribed = mailgun.signed_event(by_address["wang@example.com"], "unsubscribed")
    assert _post(url, unsubscribed).status_code == 200
    assert _state(wang)[6] is not None
    assert Suppression.objects.get(email="wang@example.com").reason == "unsubscribed"
    assert EmailProviderEvent.objects.filter(provider="mailgun").count() == 8


def test_mailgun_webhook_with_a_bad_signature_or_no_basic_auth_is_refused(
    org_tree, college_admin, mailgun, django_capture_on_commit_callbacks
):
    _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("李雷", "li@example.com")],
    )
    url = reverse("anymail:mailgun_tracking_webhook")
    forged = mailgun.signed_event(
        mailgun.sent[0], "failed", severity="permanent", reason="bounce", key="not-the-key"
    )
    assert _post(url, forged).status_code == 400
    genuine = mailgun.signed_event(mailgun.sent[0], "failed", severity="permanent", reason="bounce")
    assert _post(url, genuine, credentials="hook:wrong").status_code == 400
    response = Client().post(url, data=json.dumps(genuine), content_type="application/json")
    assert response.status_code == 400
    row = EmailMessage.objects.get()
    assert (row.status, row.bounce_kind) == ("sent", "")
    assert not Suppression.objects.exists()
    assert not EmailProviderEvent.objects.exists()


def test_unreachable_provider_or_wrong_key_gives_the_rows_back(
    org_tree, college_admin, mailgun, settings, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_API_KEY": "key-wrong"}
    campaign = _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("王芳", "wang@example.com"), ("李雷", "li@example.com")],
    )
    assert mailgun.sent == []
    assert sorted(EmailMessage.objects.values_list("status", "attempts")) == [
        ("queued", 0),
        ("queued", 0),
    ]
    # The job retried (inline under test) and gave up; the campaign's tick starts a new one.
    assert "401" in Job.objects.get(pk=campaign.job_id).error

    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_API_KEY": "key-test-123"}
    mailgun.stop()
    with pytest.raises(email_sending.SmtpUnavailable):
        email_sending.send_campaign(campaign)
    assert set(EmailMessage.objects.values_list("status", flat=True)) == {"queued"}

    mailgun.start()
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_API_URL": mailgun.api_url}
    counts = email_sending.send_campaign(campaign)
    assert counts["sent"] == 2
    assert len(mailgun.sent) == 2
    assert all(row.provider_message_id for row in EmailMessage.objects.all())


def test_a_provider_that_took_the_message_but_answered_too_late_never_gets_it_twice(
    org_tree, college_admin, mailgun, settings, django_capture_on_commit_callbacks
):
    mailgun.delay = 1.5
    settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": (2, 0.5)}
    campaign = _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("王芳", "wang@example.com")],
    )
    row = EmailMessage.objects.get()
    assert row.status == "unknown"
    assert "Read timed out" in row.error
    assert len(mailgun.sent) == 1
    mailgun.delay = 0
    assert email_sending.send_campaign(campaign)["sent"] == 0
    assert len(mailgun.sent) == 1
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_test_send_goes_through_the_provider_untracked(org_tree, college_admin, mailgun):
    campaign = services.email_campaign_create(
        actor=college_admin,
        org=org_tree.college,
        name="测试",
        subject="{{ name }}，欢迎回家",
        body_html=BODY,
        audience_kind="upload",
        uploaded=[{"name": "王芳", "email": "wang@example.com"}],
    )
    sent = services.email_campaign_test_send(
        actor=college_admin,
        campaign=campaign,
        addresses=["tester@example.org"],
        context={"name": "王芳"},
    )
    assert sent == 1
    fields = mailgun.sent[0]["fields"]
    assert fields["to"] == ["tester@example.org"]
    assert _decoded(fields["from"]) == [f"示范大学校友总会 <news@{DOMAIN}>"]
    assert fields["subject"][0].endswith("王芳，欢迎回家")
    assert not any(name.startswith("v:") for name in fields)
    assert "h:List-Unsubscribe" not in fields


# --- Postmark --------------------------------------------------------------------------------


def test_postmark_campaign_and_its_webhooks(
    org_tree, college_admin, postmark, django_capture_on_commit_callbacks
):
    campaign = _send(
        org_tree.college,
        college_admin,
        django_capture_on_commit_callbacks,
        [("王芳", "wang@example.com"), ("李雷", "li@example.com"), ("旧址", "dead@example.com")],
    )
    assert campaign.status == "sent"
    assert sorted(_decoded([item["data"]["To"]])[0] for item in postmark.sent) == [
        "李雷 <li@example.com>",
        "王芳 <wang@example.com>",
    ]
    wang = EmailMessage.objects.get(email="wang@example.com")
    token = email_tracking.message_token(wang.pk)
    sent = next(item for item in postmark.sent if "wang@" in item["data"]["To"])
    data = sent["data"]
    headers = {item["Name"]: item["Value"] for item in data["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith(f"<https://{DOMAIN}/m/u/{token}/>")
    assert data["Metadata"] == {"xiaoyou_message": token, "xiaoyou_campaign": str(campaign.pk)}
    assert data["MessageStream"] == "broadcast"
    assert data["TrackOpens"] is False and data["TrackLinks"] == "None"
    assert "亲爱的王芳校友" in data["HtmlBody"] and "亲爱的王芳校友" in data["TextBody"]
    wang.refresh_from_db()
    assert (wang.provider_message_id, wang.provider_status) == (sent["MessageID"], "sent")

    # The provider refused an address it had marked inactive: a hard bounce, suppressed.
    dead = EmailMessage.objects.get(email="dead@example.com")
    assert (dead.status, dead.bounce_kind) == ("bounced", "hard")
    assert Suppression.objects.get(email="dead@example.com").reason == "hard_bounce"

    url = reverse("anymail:postmark_tracking_webhook")
    # Without our metadata (e.g. a provider that drops it) the provider's message id finds it.
    assert _post(url, postmark.event(sent, "Delivery", Metadata={})).status_code == 200
    assert EmailProviderEvent.objects.get().message_id == wang.pk
    opened = postmark.event(sent, "Open")
    assert _post(url, opened).status_code == 200
    before = _state(wang)
    assert before[2] is not None and before[3] == 1
    assert _post(url, opened).status_code == 200  # no event id: the same body is the same event
    assert _state(wang) == before
    assert _post(url, postmark.event(sent, "SubscriptionChange")).status_code == 200
    assert Suppression.objects.get(email="wang@example.com").reason == "unsubscribed"

    li_sent = next(item for item in postmark.sent if "li@" in item["data"]["To"])
    bounce = postmark.event(li_sent, "Bounce")
    assert _post(url, bounce).status_code == 200
    li = EmailMessage.objects.get(email="li@example.com")
    assert (li.status, li.bounce_kind, li.bounce_status) == ("bounced", "hard", "5.1.1")
    assert Suppression.objects.get(email="li@example.com").reason == "hard_bounce"
    before = _state(li)
    assert _post(url, bounce).status_code == 200
    assert _state(li) == before

    refused = _post(url, postmark.event(li_sent, "SpamComplaint"), credentials="hook:nope")
    assert refused.status_code == 400
    li.refresh_from_db()
    assert li.complained_at is None


def test_provider_bounce_for_mail_we_have_no_row_of_still_suppresses(postmark):
    url = reverse("anymail:postmark_tracking_webhook")
    body = {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": "Someone@Example.com",
        "Details": "smtp;550 5.1.1 unknown user",
        "BouncedAt": "2026-11-26T16:09:19Z",
        "Metadata": {"xiaoyou_message": "1-forged"},
    }
    assert _post(url, body).status_code == 200
    assert Suppression.objects.get(email="someone@example.com").reason == "hard_bounce"
    soft = {**body, "ID": 42, "Type": "SoftBounce", "Email": "busy@example.com"}
    assert _post(url, soft).status_code == 200
    assert not Suppression.objects.filter(email="busy@example.com").exists()


# --- Settings --------------------------------------------------------------------------------


def test_email_provider_is_chosen_by_the_environment(monkeypatch):
    default = "django.core.mail.backends.console.EmailBackend"
    for name in ("EMAIL_PROVIDER", "ANYMAIL_WEBHOOK_SECRET", "MAILGUN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert email_provider_conf.email_backend_settings(default) == (default, {})

    monkeypatch.setenv("EMAIL_PROVIDER", "smtp")
    assert email_provider_conf.email_backend_settings(default)[0] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )

    monkeypatch.setenv("EMAIL_PROVIDER", "mailgun")
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "hook:one,hook:two")
    with pytest.raises(EnvironmentError_, match="MAILGUN_API_KEY"):
        email_provider_conf.email_backend_settings(default)
    monkeypatch.setenv("MAILGUN_API_KEY", "key-1")
    monkeypatch.setenv("MAILGUN_WEBHOOK_SIGNING_KEY", "sign-1")
    monkeypatch.setenv("MAILGUN_API_URL", "https://api.eu.mailgun.net/v3")
    backend, anymail = email_provider_conf.email_backend_settings(default)
    assert backend == "anymail.backends.mailgun.EmailBackend"
    assert anymail == {
        "WEBHOOK_SECRET": ["hook:one", "hook:two"],
        "MAILGUN_API_KEY": "key-1",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "sign-1",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
    }

    monkeypatch.setenv("EMAIL_PROVIDER", "postmark")
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "pm-1")
    assert email_provider_conf.email_backend_settings(default) == (
        "anymail.backends.postmark.EmailBackend",
        {"WEBHOOK_SECRET": ["hook:one", "hook:two"], "POSTMARK_SERVER_TOKEN": "pm-1"},
    )

    monkeypatch.delenv("ANYMAIL_WEBHOOK_SECRET")
    with pytest.raises(EnvironmentError_, match="ANYMAIL_WEBHOOK_SECRET"):
        email_provider_conf.email_backend_settings(default)
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "no-colon")
    with pytest.raises(EnvironmentError_, match="user:password"):
        email_provider_conf.email_backend_settings(default)
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "hook:one")
    monkeypatch.setenv("EMAIL_PROVIDER", "pigeon")
    with pytest.raises(EnvironmentError_, match="pigeon"):
        email_provider_conf.email_backend_settings(default)
