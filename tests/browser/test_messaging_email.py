"""Browser journey of email (邮件管理): build a campaign from a saved search, preview it as a
recipient, send a test, send it with a real Celery worker to a local SMTP server (aiosmtpd)
while the progress bar moves, and see the open once the tracking pixel is fetched."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import AlumniRecordFactory
from tests.messaging import email_fixtures
from xiaoyou.alumni.models import SavedSearch
from xiaoyou.messaging.models import EmailCampaign, EmailMessage

pytestmark = [pytest.mark.browser]
RECIPIENTS = 12


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def slow_smtp(settings, monkeypatch, live_server):
    """A local SMTP server taking 0.4 s a message (so the bar is seen moving), for this process
    (test sends from the page) and for the worker (its environment)."""
    server, controller = email_fixtures.start_smtp(settings)
    server.delay = 0.4
    settings.SITE_URL = live_server.url
    environment = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "false",
        "MESSAGING_EMAIL_FROM": settings.MESSAGING_EMAIL_FROM,
        "SITE_URL": live_server.url,
        "MESSAGING_EMAIL_BATCH": "4",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    yield server
    controller.stop()


@pytest.fixture
def celery_worker_imports(slow_smtp) -> list[str]:
    # Depends on the SMTP environment so that the worker started for the test inherits it.
    return []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_campaign_from_a_saved_search_preview_test_send_progress_and_opens(
    slow_smtp, celery_worker_process, desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    for number in range(RECIPIENTS):
        AlumniRecordFactory(
            org=org_tree.root, name=f"校友{number:02d}", email=f"alumnus{number:02d}@example.com"
        )
    saved = SavedSearch.objects.create(org=org_tree.root, owner=platform_admin, name="全体校友")
    page = desktop_page
    sign_in(page, platform_admin)

    page.goto("/console/messaging/")
    page.click("[data-action=new-email-campaign]")
    page.fill("input[name=name]", "新春问候")
    page.select_option("select[name=template]", label=_zh("Holiday greeting"))
    page.select_option("select[name=audience_kind]", "saved_search")
    page.select_option("select[name=saved_search]", str(saved.pk))
    page.click("[data-action=save-email-campaign]")
    page.wait_for_selector("[data-email-edit]")
    campaign = EmailCampaign.objects.get()
    page.fill("input[name=subject]", "{{ name }}，新春快乐")
    page.click("[data-action=save-email]")

    page.wait_for_selector("[data-email-preview]")
    assert page.locator("[data-preview-subject]").inner_text() == "校友00，新春快乐"
    page.select_option("[data-preview-recipient]", "alumnus03@example.com")
    page.wait_for_url(re.compile(r"recipient=alumnus03"))
    assert page.locator("[data-preview-subject]").inner_text() == "校友03，新春快乐"
    frame = page.frame_locator("[data-preview-html]")
    assert "新春快乐，校友03校友" in frame.locator("body").inner_text()
    screenshot(page, "email-campaign-preview-desktop")

    page.fill("input[name=addresses]", "me@example.com")
    page.click("[data-action=email-test-send]")
    page.wait_for_selector(f"text={_zh('Test email sent to %(count)s addresses.') % {'count': 1}}")
    assert slow_smtp.recipients() == ["me@example.com"]
    assert slow_smtp.messages()[0]["Subject"].endswith("校友03，新春快乐")

    page.click("[data-action=email-send]")
    page.locator("#confirm-dialog .confirm-ok").click()
    page.wait_for_selector("[data-email-progress] .job-progress", timeout=10_000)
    page.wait_for_function(
        """() => { const bar = document.querySelector('[data-email-progress] [role=progressbar]');
                 const value = bar && Number(bar.getAttribute('aria-valuenow'));
                 return value > 0 && value < 100; }""",
        timeout=30_000,
    )
    screenshot(page, "email-campaign-sending-desktop")
    page.wait_for_selector('[data-campaign-status="sent"]', timeout=60_000)
    assert page.locator('[data-count="sent"] .stat-value').inner_text() == str(RECIPIENTS)
    assert page.locator('[data-count="opened"] .stat-value').inner_text() == "0"
    received = [address for address in slow_smtp.recipients() if address != "me@example.com"]
    assert sorted(received) == [f"alumnus{number:02d}@example.com" for number in range(12)]

    # A recipient's mail client loads the pixel: the open shows on the campaign.
    mail = next(m for m in slow_smtp.messages() if "alumnus05@" in m["To"])
    html = mail.get_body(preferencelist=("html",)).get_content()
    pixel = re.search(r'src="([^"]+/m/o/[^"]+\.gif)"', html).group(1)
    assert pixel.startswith(page.url.split("/console/")[0])
    assert page.request.get(pixel).status == 200
    page.reload()
    assert page.locator('[data-count="opened"] .stat-value').inner_text() == "1"
    page.select_option("select[name=engagement]", "opened")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"engagement=opened"))
    rows = page.locator("#email-messages-table tbody tr")
    assert rows.count() == 1 and "alumnus05@example.com" in rows.first.inner_text()
    screenshot(page, "email-campaign-opened-desktop")
    assert EmailMessage.objects.get(email="alumnus05@example.com").open_count == 1
    assert EmailCampaign.objects.get(pk=campaign.pk).status == "sent"
