"""Console pages of email campaigns: create from a saved search or an uploaded list (with its
error report), edit, preview as a recipient, test send, send with the progress bar, detail
counts and export; the template library; another organization's admin is kept out."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.factories import AlumniRecordFactory
from tests.messaging import email_fixtures
from tests.messaging.email_fixtures import console_login
from xiaoyou.alumni.models import SavedSearch
from xiaoyou.messaging.models import EmailCampaign, EmailMessage, EmailTemplate

pytestmark = pytest.mark.django_db
smtp_server = email_fixtures.smtp_server


@pytest.fixture
def saved_search(org_tree, platform_admin):
    for number, name in enumerate(["王芳", "李雷", "韩梅梅"]):
        AlumniRecordFactory(org=org_tree.root, name=name, email=f"a{number}@example.com")
    return SavedSearch.objects.create(
        org=org_tree.root, owner=platform_admin, name="全体校友", is_shared=True
    )


def test_build_a_campaign_from_a_saved_search_preview_test_send_and_send(
    client, org_tree, platform_admin, saved_search, smtp_server, django_capture_on_commit_callbacks
):
    console_login(client, platform_admin)
    form_page = client.get(reverse("console:messaging_email_campaign_create"))
    assert form_page.status_code == 200
    assert EmailTemplate.objects.filter(org=org_tree.root).count() == 4  # the library
    holiday = EmailTemplate.objects.get(org=org_tree.root, kind="holiday")
    response = client.post(
        reverse("console:messaging_email_campaign_create"),
        {
            "name": "新春问候",
            "org": org_tree.root.pk,
            "template": holiday.pk,
            "audience_kind": "saved_search",
            "saved_search": saved_search.pk,
        },
    )
    assert response.status_code == 302, response.content[:800]
    campaign = EmailCampaign.objects.get()
    assert campaign.subject == holiday.subject
    assert response["Location"] == reverse(
        "console:messaging_email_campaign_edit", args=[campaign.pk]
    )
    edit = client.post(
        response["Location"],
        {
            "name": "新春问候",
            "subject": "{{ name }}，新春快乐",
            "from_name": "校友总会",
            "reply_to": "",
            "body_html": "<p>{{ name }}校友：新春快乐！</p>",
            "body_text": "",
            "track_opens": "on",
            "track_clicks": "on",
        },
    )
    assert edit.status_code == 302
    preview_url = reverse("console:messaging_email_campaign_preview", args=[campaign.pk])
    preview = client.get(preview_url + "?recipient=a1@example.com")
    assert preview.status_code == 200
    assert "李雷，新春快乐".encode() in preview.content
    assert "李雷校友：新春快乐！".encode() in preview.content  # escaped inside srcdoc
    test = client.post(
        reverse("console:messaging_email_campaign_test", args=[campaign.pk]),
        {"addresses": "me@example.com", "recipient": "a1@example.com"},
    )
    assert test.status_code == 302
    assert smtp_server.recipients() == ["me@example.com"]
    assert smtp_server.messages()[0]["Subject"].endswith("李雷，新春快乐")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("console:messaging_email_campaign_action", args=[campaign.pk, "send"])
        )
    assert sent.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    assert sorted(smtp_server.recipients()[1:]) == [
        "a0@example.com",
        "a1@example.com",
        "a2@example.com",
    ]
    detail = client.get(sent["Location"])
    assert detail.status_code == 200
    assert b'data-status="succeeded"' in detail.content
    assert b'data-count="sent"><div class="stat-label">' in detail.content
    export = client.get(sent["Location"] + "?export=xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == [
        "a0@example.com",
        "a1@example.com",
        "a2@example.com",
    ]


def test_an_invalid_upload_offers_the_error_report(client, org_tree, college_admin):
    console_login(client, college_admin)
    upload = SimpleUploadedFile(
        "list.csv", "姓名,邮箱\n王芳,wang@example.com\n李雷,not-mail\n".encode(), "text/csv"
    )
    response = client.post(
        reverse("console:messaging_email_campaign_create"),
        {"name": "x", "org": org_tree.college.pk, "audience_kind": "upload", "upload": upload},
    )
    assert response.status_code == 200
    assert b"data-upload-report" in response.content
    assert not EmailCampaign.objects.exists()
    url = next(
        part.split(b'"')[0].decode()
        for part in response.content.split(b'href="')
        if b"upload-reports" in part.split(b'"')[0]
    )
    report = client.get(url)
    assert report.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][:2] == (3, "not-mail")


def test_another_organizations_admin_gets_404(client, org_tree, college_admin, regional_admin):
    from xiaoyou.messaging.services.email_campaigns import email_campaign_create

    campaign = email_campaign_create(
        actor=college_admin, org=org_tree.college, name="x", subject="s", body_html="<p>b</p>"
    )
    console_login(client, regional_admin)
    for name in ("detail", "edit", "preview"):
        url = reverse(f"console:messaging_email_campaign_{name}", args=[campaign.pk])
        assert client.get(url).status_code == 404
    url = reverse("console:messaging_email_campaign_action", args=[campaign.pk, "send"])
    assert client.post(url).status_code == 404
    assert campaign.status == "draft"
    listing = client.get(reverse("console:messaging_email_campaigns"))
    assert listing.status_code == 200 and b'data-action="new-email-campaign"' in listing.content
    assert f">{campaign.name}<".encode() not in listing.content


def test_template_library_and_edit(client, org_tree, college_admin):
    console_login(client, college_admin)
    page = client.get(reverse("console:messaging_email_templates"))
    assert page.status_code == 200
    kinds = {"holiday", "newsletter", "invitation", "thanks"}
    assert (
        set(EmailTemplate.objects.filter(org=org_tree.college).values_list("kind", flat=True))
        == kinds
    )
    with translation.override("zh-hans"):
        assert gettext("Holiday greeting").encode() in page.content
    template = EmailTemplate.objects.get(org=org_tree.college, kind="thanks")
    url = reverse("console:messaging_email_template_edit", args=[template.pk])
    edit_page = client.get(url)
    assert b"data-template-preview" in edit_page.content
    saved = client.post(
        url,
        {
            "name": "感谢信",
            "subject": "谢谢{{ name }}",
            "body_html": '<p onclick="x()">谢谢 {{ name }}</p><script>bad()</script>',
            "body_text": "",
        },
    )
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body_html == "<p>谢谢 {{ name }}</p>"
    assert template.body_text == "谢谢 {{ name }}"


def test_recipient_list_keeps_its_query_count(client, org_tree, college_admin):
    from xiaoyou.messaging.services.email_campaigns import email_campaign_create

    campaign = email_campaign_create(
        actor=college_admin, org=org_tree.college, name="x", subject="s", body_html="<p>b</p>"
    )
    console_login(client, college_admin)
    url = reverse("console:messaging_email_campaign_detail", args=[campaign.pk])

    def queries(count):
        EmailMessage.objects.bulk_create(
            EmailMessage(campaign=campaign, email=f"n{EmailMessage.objects.count() + n}@x.com")
            for n in range(count)
        )
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(15)
