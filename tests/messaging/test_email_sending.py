"""Email campaigns sent through a real local SMTP server (aiosmtpd): headers (RFC 8058), DKIM,
MIME structure, personalization, suppression, bounces, exactly-once with dead workers."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import dkim
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.messaging import email_fixtures
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Job
from xiaoyou.messaging import email_sending, email_tracking
from xiaoyou.messaging.models import (
    EmailCampaign,
    EmailMessage,
    EmailMessageStatus,
    Suppression,
)
from xiaoyou.messaging.services import email_campaigns as services

pytestmark = pytest.mark.django_db
smtp_server = email_fixtures.smtp_server
dkim_keys = email_fixtures.dkim_keys

BODY = (
    "<p>亲爱的{{ name }}校友（{{ class_year }}级）：</p><p>{{ org }}邀请您 <b>回家</b>。</p>"
    '<p><a href="https://alumni.example.edu/events/7/">报名</a>'
    '<a href="https://alumni.example.edu/news/">新闻</a></p><script>alert(1)</script>'
)


def _uploaded(*rows):
    return [{"name": name, "email": address} for name, address in rows]


def _campaign(org, actor, rows, **extra):
    return services.email_campaign_create(
        actor=actor,
        org=org,
        name="返校邀请",
        subject="{{ name }}，欢迎回家",
        body_html=BODY,
        audience_kind="upload",
        uploaded=_uploaded(*rows),
        **extra,
    )


def _send(campaign, actor, capture):
    with capture(execute=True):
        services.email_campaign_send(actor=actor, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def test_campaign_reaches_smtp_with_rfc8058_headers_dkim_and_personalization(
    org_tree, college_admin, smtp_server, dkim_keys, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email="gone@example.com", reason="unsubscribed")
    campaign = _campaign(
        org_tree.college,
        college_admin,
        [("王芳", "wang@example.com"), ("李雷", "LI@example.com"), ("某人", "gone@example.com")],
    )
    assert "<script>" not in campaign.body_html
    campaign = _send(campaign, college_admin, django_capture_on_commit_callbacks)

    assert campaign.status == "sent"
    assert campaign.recipient_count == 2
    assert sorted(smtp_server.recipients()) == ["li@example.com", "wang@example.com"]
    assert {m.email: m.status for m in EmailMessage.objects.all()} == {
        "wang@example.com": "sent",
        "li@example.com": "sent",
    }
    job = Job.objects.get(pk=campaign.job_id)
    assert (job.status, job.done, job.total) == ("succeeded", 2, 2)

    for mail_from, _rcpts, content in smtp_server.received:
        assert mail_from == "bounces@alumni.example.edu"
        assert dkim.verify(content, dnsfunc=dkim_keys.dnsfunc)
        tampered = content.replace(b"Subject:", b"Subject: X", 1)
        assert not dkim.verify(tampered, dnsfunc=dkim_keys.dnsfunc)

    wang = EmailMessage.objects.get(email="wang@example.com")
    token = email_tracking.message_token(wang.pk)
    parsed = next(m for m in smtp_server.messages() if "wang@" in m["To"])
    assert parsed["Subject"] == "王芳，欢迎回家"
    assert parsed["List-Unsubscribe"] == (
        f"<https://alumni.example.edu/m/u/{token}/>, "
        f"<mailto:unsubscribe+{token}@alumni.example.edu?subject=unsubscribe>"
    )
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["From"] == "示范大学校友总会 <news@alumni.example.edu>"
    assert parsed["Message-ID"] == f"<{token}.{campaign.pk}@alumni.example.edu>"
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "亲爱的王芳校友" in text and "亲爱的王芳校友" in html
    assert f"{org_tree.college.name}邀请您" in html
    assert f"https://alumni.example.edu/m/o/{token}.gif" in html
    assert f'href="https://alumni.example.edu/m/c/{token}/0/"' in html
    assert f'href="https://alumni.example.edu/m/c/{token}/1/"' in html
    assert f"https://alumni.example.edu/m/u/{token}/" in text
    assert "alert(1)" not in html


def test_personalization_is_escaped_and_tags_are_not_run(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    campaign = services.email_campaign_create(
        actor=college_admin,
        org=org_tree.college,
        name="x",
        subject="hi {{ name }}",
        body_html="<p>{{ name }} {% now 'Y' %} {{ settings.SECRET_KEY }}</p>",
        audience_kind="upload",
        uploaded=_uploaded(("<b>黑客</b>", "h@example.com")),
    )
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    html = smtp_server.messages()[0].get_body(preferencelist=("html",)).get_content()
    assert "<p>&lt;b&gt;黑客&lt;/b&gt; {% now 'Y' %} </p>" in html


def test_preview_and_test_send(org_tree, college_admin, smtp_server):
    campaign = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    recipients = services.preview_recipients(actor=college_admin, campaign=campaign)
    assert [r.email for r in recipients] == ["wang@example.com"]
    rendered = services.email_campaign_preview(campaign, recipients[0].context)
    assert rendered.subject == "王芳，欢迎回家"
    assert 'href="https://alumni.example.edu/events/7/"' in rendered.html
    sent = services.email_campaign_test_send(
        actor=college_admin,
        campaign=campaign,
        addresses=["me@example.com", "boss@example.com"],
        context=recipients[0].context,
    )
    assert sent == 2
    assert sorted(smtp_server.recipients()) == ["boss@example.com", "me@example.com"]
    assert all(m["Subject"].endswith("王芳，欢迎回家") for m in smtp_server.messages())
    assert all(m["List-Unsubscribe"] is None for m in smtp_server.messages())
    assert all(m["DKIM-Signature"] is None for m in smtp_server.messages())  # no key set
    assert EmailMessage.objects.count() == 0
    with pytest.raises(ApplicationError):
        services.email_campaign_test_send(
            actor=college_admin, campaign=campaign, addresses=["nope"], context={}
        )


def test_another_colleges_admin_cannot_touch_the_campaign(org_tree, college_admin, regional_admin):
    campaign = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    with pytest.raises(PermissionDenied):
        services.email_campaign_send(actor=regional_admin, campaign=campaign)
    with pytest.raises(PermissionDenied):
        _campaign(org_tree.college, regional_admin, [("王芳", "wang@example.com")])


def test_one_click_unsubscribe_without_cookies_suppresses_at_once(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    campaign = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    message = EmailMessage.objects.get()
    token = email_tracking.message_token(message.pk)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/m/u/{token}/")
    assert page.status_code == 200 and b'data-action="unsubscribe"' in page.content
    assert not Suppression.objects.exists()
    response = client.post(
        f"/m/u/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Suppression.objects.get().email == "wang@example.com"
    message.refresh_from_db()
    assert message.unsubscribed_at is not None
    assert client.post("/m/u/1-0000/").status_code == 404
    # The next campaign to this address skips it.
    second = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    assert services.preview_recipients(actor=college_admin, campaign=second) == []


def test_open_pixel_and_tracked_links_only_to_the_campaigns_links(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    campaign = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    message = EmailMessage.objects.get()
    token = email_tracking.message_token(message.pk)
    client = Client()
    pixel = client.get(f"/m/o/{token}.gif")
    assert pixel.status_code == 200 and pixel["Content-Type"] == "image/gif"
    click = client.get(f"/m/c/{token}/1/")
    assert click.status_code == 302 and click["Location"] == "https://alumni.example.edu/news/"
    assert client.get(f"/m/c/{token}/2/").status_code == 404
    forged = f"{message.pk}-{'0' * 20}"
    assert client.get(f"/m/c/{forged}/0/").status_code == 404
    message.refresh_from_db()
    assert (message.open_count, message.click_count) == (1, 1)
    assert message.opened_at is not None and message.clicked_at is not None


DSN = """From: MAILER-DAEMON@mx.example.com
To: bounces@alumni.example.edu
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

The mail could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {code} user unknown

--BOUNDARY
Content-Type: text/rfc822-headers

Message-ID: {message_id}
X-Xiaoyou-Message: {token}
Subject: whatever

--BOUNDARY--
"""


def _dsn(message, *, status, action="failed", code="550"):
    token = email_tracking.message_token(message.pk)
    return DSN.format(
        recipient=message.email,
        action=action,
        status=status,
        code=code,
        token=token,
        message_id=f"<{token}.{message.campaign_id}@alumni.example.edu>",
    ).encode()


def test_bounce_dsn_marks_the_address_and_suppresses_it(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks, tmp_path, settings
):
    campaign = _campaign(
        org_tree.college, college_admin, [("甲", "hard@example.com"), ("乙", "soft@example.com")]
    )
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    hard = EmailMessage.objects.get(email="hard@example.com")
    soft = EmailMessage.objects.get(email="soft@example.com")
    path = tmp_path / "bounce.eml"
    path.write_bytes(_dsn(hard, status="5.1.1"))
    out = io.StringIO()
    call_command("messaging_ingest_bounces", str(path), stdout=out)
    assert out.getvalue().strip() == '{"hard_bounce": 1}'
    hard.refresh_from_db()
    assert (hard.status, hard.bounce_kind, hard.bounce_status) == ("bounced", "hard", "5.1.1")
    assert Suppression.objects.get().email == "hard@example.com"
    assert Suppression.objects.get().reason == "hard_bounce"

    settings.MESSAGING_BOUNCE_TOKEN = "s3cret"
    client = Client()
    raw = _dsn(soft, status="4.2.2", action="delayed", code="452")
    assert client.post("/m/bounces/", raw, content_type="message/rfc822").status_code == 403
    response = client.post(
        "/m/bounces/", raw, content_type="message/rfc822", headers={"X-Bounce-Token": "s3cret"}
    )
    assert response.json() == {"soft_bounce": 1}
    soft.refresh_from_db()
    assert (soft.bounce_kind, soft.bounce_status) == ("soft", "4.2.2")
    assert Suppression.objects.count() == 1


def test_complaint_and_mailto_unsubscribe_suppress(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    from xiaoyou.messaging.email_bounces import ingest

    campaign = _campaign(
        org_tree.college, college_admin, [("甲", "angry@example.com"), ("乙", "bye@example.com")]
    )
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    angry = EmailMessage.objects.get(email="angry@example.com")
    bye = EmailMessage.objects.get(email="bye@example.com")
    token = email_tracking.message_token(angry.pk)
    arf = (
        "From: fbl@isp.example\nTo: abuse@alumni.example.edu\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nA complaint.\n\n"
        "--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
        "User-Agent: isp/1.0\nVersion: 1\nOriginal-Rcpt-To: angry@example.com\n\n"
        f"--B\nContent-Type: text/rfc822-headers\n\nX-Xiaoyou-Message: {token}\n\n--B--\n"
    ).encode()
    assert ingest(arf) == {"complaint": 1}
    angry.refresh_from_db()
    assert angry.complained_at is not None
    mailto = email_tracking.unsubscribe_mailto(email_tracking.message_token(bye.pk))
    address = mailto.removeprefix("mailto:").split("?")[0]
    assert ingest(f"From: bye@example.com\nTo: {address}\nSubject: unsubscribe\n\n".encode()) == {
        "unsubscribe": 1
    }
    assert dict(Suppression.objects.values_list("email", "reason")) == {
        "angry@example.com": "complaint",
        "bye@example.com": "unsubscribed",
    }


def test_smtp_refusal_5xx_is_a_hard_bounce_and_4xx_is_deferred(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse["nobody@example.com"] = "550 5.1.1 No such user"
    smtp_server.refuse["busy@example.com"] = "451 4.3.0 Try later"
    campaign = _campaign(
        org_tree.college,
        college_admin,
        [("甲", "ok@example.com"), ("乙", "nobody@example.com"), ("丙", "busy@example.com")],
    )
    campaign = _send(campaign, college_admin, django_capture_on_commit_callbacks)
    statuses = dict(EmailMessage.objects.values_list("email", "status"))
    assert statuses == {
        "ok@example.com": "sent",
        "nobody@example.com": "bounced",
        "busy@example.com": "deferred",
    }
    assert list(Suppression.objects.values_list("email", flat=True)) == ["nobody@example.com"]
    assert campaign.status == "sending"  # one recipient waits for its retry
    # The retry comes due; the tick starts a job that sends it.
    EmailMessage.objects.filter(email="busy@example.com").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    del smtp_server.refuse["busy@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick() == {"started": 0, "resumed": 1}
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    assert sorted(smtp_server.recipients()) == ["busy@example.com", "ok@example.com"]


def test_a_worker_killed_mid_campaign_sends_no_duplicate(
    org_tree, college_admin, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_EMAIL_BATCH = 4
    rows = [(f"校友{n}", f"a{n}@example.com") for n in range(10)]
    campaign = _campaign(org_tree.college, college_admin, rows)
    # Start sending but keep the job from running: prepare the rows by hand.
    with django_capture_on_commit_callbacks(execute=False):
        services.email_campaign_send(actor=college_admin, campaign=campaign)
    campaign.refresh_from_db()
    services.prepare_recipients(campaign, college_admin)
    # A first worker sends 3 messages and is killed; then a second one claims a batch and dies
    # before sending anything.
    email_sending.send_campaign(campaign, stop_after=3)
    assert len(smtp_server.received) == 3
    _token, abandoned = email_sending.claim_batch(campaign.pk, size=4, lease=300)
    assert len(abandoned) == 4
    # A restarted worker sends what nobody holds and leaves the dead worker's rows alone.
    email_sending.send_campaign(campaign)
    assert len(smtp_server.received) == 6
    assert EmailMessage.objects.filter(status="sending").count() == 4
    campaign.refresh_from_db()
    assert campaign.status == "sending"
    # The killed job is left "running" without progress; the dead worker's lease has not run
    # out yet, so the tick has nothing to send.
    Job.objects.filter(pk=campaign.job_id).update(
        status="running", updated_at=timezone.now() - timedelta(minutes=10)
    )
    assert services.campaigns_tick()["resumed"] == 0
    # The lease runs out: the rows are reclaimed and sent, once.
    EmailMessage.objects.filter(status="sending").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick()["resumed"] == 1
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    received = smtp_server.recipients()
    assert sorted(received) == sorted(address for _name, address in rows)
    assert len(received) == len(set(received)) == 10


def test_a_message_handed_over_when_its_worker_died_is_never_sent_again(
    org_tree, college_admin, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_EMAIL_BATCH = 3
    rows = [(f"校友{n}", f"b{n}@example.com") for n in range(5)]
    campaign = _campaign(org_tree.college, college_admin, rows)
    with django_capture_on_commit_callbacks(execute=False):
        services.email_campaign_send(actor=college_admin, campaign=campaign)
    campaign.refresh_from_db()
    services.prepare_recipients(campaign, college_admin)
    # A worker claims 3 rows, hands the first to the mail server and dies before the answer
    # is recorded (the server did receive it).
    token, claimed = email_sending.claim_batch(campaign.pk, size=3, lease=300)
    first = claimed[0]
    EmailMessage.objects.filter(pk=first.pk, claim_token=token).update(handed_at=timezone.now())
    composer = email_sending.Composer.for_campaign(campaign)
    mail = composer.build(email=first.email, name=first.name, context=first.context, message_id=1)
    from django.core.mail import get_connection

    get_connection().send_messages([mail])
    assert smtp_server.recipients() == [first.email]
    # Its lease runs out; the tick restarts sending: the two rows it never handed over and the
    # two nobody had claimed go out; the handed-over one is "unknown", not sent a second time.
    EmailMessage.objects.filter(status="sending").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    Job.objects.filter(pk=campaign.job_id).update(
        status="running", updated_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick()["resumed"] == 1
    received = smtp_server.recipients()
    assert sorted(received) == sorted(address for _name, address in rows)
    assert len(received) == len(set(received)) == 5
    first.refresh_from_db()
    assert first.status == EmailMessageStatus.UNKNOWN and first.claim_token == ""
    assert EmailMessage.objects.filter(status="sent").count() == 4
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_pause_resume_and_cancel(
    org_tree, college_admin, smtp_server, settings, django_capture_on_commit_callbacks
):
    rows = [(f"校友{n}", f"p{n}@example.com") for n in range(6)]
    campaign = _campaign(org_tree.college, college_admin, rows)
    with django_capture_on_commit_callbacks(execute=False):
        services.email_campaign_send(actor=college_admin, campaign=campaign)
    services.email_campaign_pause(actor=college_admin, campaign=campaign)
    campaign.refresh_from_db()
    services.prepare_recipients(campaign, college_admin)
    assert email_sending.send_campaign(campaign)["sent"] == 0  # paused: nothing goes
    with django_capture_on_commit_callbacks(execute=True):
        services.email_campaign_resume(actor=college_admin, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == "sent" and len(smtp_server.received) == 6
    with pytest.raises(ApplicationError):
        services.email_campaign_cancel(actor=college_admin, campaign=campaign)

    other = _campaign(org_tree.college, college_admin, rows)
    with django_capture_on_commit_callbacks(execute=False):
        services.email_campaign_send(actor=college_admin, campaign=other)
    other.refresh_from_db()
    services.prepare_recipients(other, college_admin)
    services.email_campaign_cancel(actor=college_admin, campaign=other)
    assert email_sending.send_campaign(other)["sent"] == 0
    assert set(EmailMessage.objects.filter(campaign=other).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert len(smtp_server.received) == 6


def test_scheduled_campaign_starts_when_due(
    org_tree, college_admin, smtp_server, django_capture_on_commit_callbacks
):
    campaign = _campaign(org_tree.college, college_admin, [("王芳", "wang@example.com")])
    with pytest.raises(ApplicationError):
        services.email_campaign_schedule(
            actor=college_admin, campaign=campaign, when=timezone.now() - timedelta(minutes=1)
        )
    services.email_campaign_schedule(
        actor=college_admin, campaign=campaign, when=timezone.now() + timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick()["started"] == 0
    EmailCampaign.objects.filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick()["started"] == 1
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    assert smtp_server.recipients() == ["wang@example.com"]


def test_per_domain_rate_defers_the_excess(
    org_tree, college_admin, smtp_server, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    settings.MESSAGING_EMAIL_DOMAIN_RATES = {"qq.com": 2}
    rows = [(f"q{n}", f"q{n}@qq.com") for n in range(4)] + [("o", "o@example.com")]
    campaign = _campaign(org_tree.college, college_admin, rows)
    _send(campaign, college_admin, django_capture_on_commit_callbacks)
    received = smtp_server.recipients()
    assert len([r for r in received if r.endswith("@qq.com")]) == 2
    assert "o@example.com" in received
    deferred = EmailMessage.objects.filter(status="deferred")
    assert deferred.count() == 2
    assert all(row.attempts == 0 for row in deferred)
    assert all(re.fullmatch(r"q\d@qq\.com", row.email) for row in deferred)
