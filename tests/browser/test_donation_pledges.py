"""Browser journey (issue 9, 月捐): on a phone, a signed-in alumnus opens a project, chooses
Give monthly, picks a preset amount and a day of the month, lands on My monthly gifts where
the pledge shows active with its next gift's date, then cancels it (confirmed in the dialog)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.donations.factories import ProjectFactory
from xiaoyou.donations.models import Pledge, PledgeStatus
from xiaoyou.donations.services.pledges import next_billing_date

pytestmark = pytest.mark.django_db(transaction=True)


def test_alumnus_starts_and_cancels_a_monthly_gift(
    mobile_page, sign_in, screenshot, org_tree, verified_alumnus
):
    project = ProjectFactory(org=org_tree.college, title="图书馆古籍修复基金")
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/give/{project.pk}/")
    phone.locator('[data-action="give-monthly"]').click()
    phone.wait_for_url(re.compile(rf"/give/{project.pk}/monthly$"))
    phone.locator('[data-preset="5000"]').click()
    assert phone.locator('[data-preset="5000"]').get_attribute("aria-pressed") == "true"
    phone.select_option('select[name="day_of_month"]', "15")
    phone.fill('input[name="donor_name"]', "林晓")
    screenshot(phone, "donations-pledge-mobile")
    phone.locator('[data-action="pledge-save"]').click()
    phone.wait_for_url(re.compile(r"/give/monthly/$"))

    pledge = Pledge.objects.get(user=verified_alumnus)
    assert (pledge.amount, pledge.day_of_month, pledge.status) == (5000, 15, PledgeStatus.ACTIVE)
    row = phone.locator(f'[data-pledge="{pledge.pk}"]')
    text = row.inner_text()
    with translation.override("zh-hans"):
        active = gettext("Active")
        cancelled = gettext("Cancelled")
    assert "图书馆古籍修复基金" in text and "50.00" in text and active in text
    next_gift = next_billing_date(pledge)
    assert next_gift is not None
    assert row.locator("[data-next-billing]").inner_text() == next_gift.isoformat()
    screenshot(phone, "donations-my-pledges-mobile")

    row.locator('[data-action="pledge-cancel"]').click()
    phone.locator("#confirm-dialog .confirm-ok").click()
    phone.locator(f'[data-pledge="{pledge.pk}"][data-pledge-status="cancelled"]').wait_for()
    assert cancelled in phone.locator(f'[data-pledge="{pledge.pk}"] [data-status]').inner_text()
    assert phone.locator('[data-action="pledge-cancel"]').count() == 0
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED
