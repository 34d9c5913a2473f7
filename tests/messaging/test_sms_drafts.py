# ruff: noqa: F811 - the emulator fixtures are imported from sms_support
"""SMS drafts are edited in the console like email drafts: name, text and opt-out hint,
audited; a started campaign cannot be changed; another organization's admin gets nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.messaging.sms_support import (  # noqa: F401
    aliyun,
    allocate,
    console_login,
    upload_campaign,
)
from xiaoyou.core.errors import MESSAGES, ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import SmsCampaign
from xiaoyou.messaging.services.sms_campaigns import campaign_start, campaign_update

pytestmark = pytest.mark.django_db


def test_a_draft_is_edited_from_its_detail_page(client, org_tree, college_admin):
    campaign = upload_campaign(college_admin, org_tree.college, ["13900000001"])
    console_login(client, college_admin)
    detail = client.get(reverse("console:messaging_sms_campaign_detail", args=[campaign.pk]))
    edit_url = reverse("console:messaging_sms_campaign_edit", args=[campaign.pk])
    assert edit_url.encode() in detail.content
    page = client.get(edit_url)
    assert page.status_code == 200
    assert b"data-sms-counter" in page.content and campaign.body.encode() in page.content

    response = client.post(edit_url, {"name": "新年问候", "body": "{name}校友，新年快乐！"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:messaging_sms_campaign_detail", args=[campaign.pk]
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.body, campaign.has_opt_out_hint) == (
        "新年问候",
        "{name}校友，新年快乐！",
        False,
    )
    entry = AuditEntry.objects.filter(action="messaging.sms_campaign.update").get()
    assert entry.changes["body"][1] == "{name}校友，新年快乐！"
    preview = client.get(response["Location"])
    assert "新年快乐！".encode() in preview.content


def test_empty_text_is_refused_inline(client, org_tree, college_admin):
    campaign = upload_campaign(college_admin, org_tree.college, ["13900000001"])
    console_login(client, college_admin)
    edit_url = reverse("console:messaging_sms_campaign_edit", args=[campaign.pk])
    response = client.post(edit_url, {"name": "x", "body": "   "})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    campaign.refresh_from_db()
    assert campaign.body != ""


def test_a_started_campaign_cannot_be_changed(
    client, org_tree, platform_admin, college_admin, aliyun
):
    allocate(platform_admin, org_tree.college, 100)
    campaign = upload_campaign(college_admin, org_tree.college, ["13900000001"])
    campaign_start(actor=college_admin, campaign=campaign)
    campaign.refresh_from_db()
    body = campaign.body
    with pytest.raises(ApplicationError) as refused:
        campaign_update(
            actor=college_admin, campaign=campaign, name="x", body="改了", has_opt_out_hint=True
        )
    assert refused.value.code == errors_sms.CAMPAIGN_NOT_DRAFT
    console_login(client, college_admin)
    edit_url = reverse("console:messaging_sms_campaign_edit", args=[campaign.pk])
    response = client.post(edit_url, {"name": "x", "body": "改了"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = str(MESSAGES[errors_sms.CAMPAIGN_NOT_DRAFT])
    assert expected in response.content.decode()
    assert SmsCampaign.objects.get(pk=campaign.pk).body == body


def test_another_organizations_admin_cannot_edit(client, org_tree, college_admin, regional_admin):
    campaign = upload_campaign(college_admin, org_tree.college, ["13900000001"])
    console_login(client, regional_admin)
    edit_url = reverse("console:messaging_sms_campaign_edit", args=[campaign.pk])
    assert client.post(edit_url, {"name": "x", "body": "y"}).status_code == 404
    assert SmsCampaign.objects.get(pk=campaign.pk).name != "x"
