"""Browser journey (issue 9): staff create and publish a donation project in the console; a
public donor (no account) on a phone gives 50.00 yuan through the Alipay sandbox, lands on the
thank-you page and downloads the certificate, whose text is read back from the PDF; staff
refund the gift from the payments console and the project's totals go back to zero."""

from __future__ import annotations

import re
import subprocess

import pytest

from xiaoyou.donations.models import Donation, DonationProject, DonationStatus
from xiaoyou.payments.models import OrderStatus
from xiaoyou.payments.sandbox.alipay import AlipaySandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(settings):
    with AlipaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "alipay": emulator.provider_config(),
        }
        yield emulator


def test_project_gift_certificate_and_refund(
    desktop_page, mobile_page, sign_in, screenshot, sandbox, org_tree, college_admin
):
    # Staff create the project and publish it.
    console = desktop_page
    sign_in(console, college_admin)
    console.goto("/console/donations/projects/new")
    console.select_option('select[name="org"]', str(org_tree.college.pk))
    console.fill('input[name="title"]', "图书馆古籍修复基金")
    console.fill('input[name="summary"]', "让百年古籍重见天日")
    console.fill('input[name="target"]', "50000")
    console.fill('input[name="presets"]', "20, 50, 100")
    console.locator('[data-action="save-project"]').click()
    console.wait_for_url(re.compile(r"/console/donations/projects/\d+/$"))
    console.locator('[data-action="publish-project"]').click()
    console.locator('[data-project-status="published"]').wait_for()
    project = DonationProject.objects.get(title="图书馆古籍修复基金")
    screenshot(console, "donations-project-console")

    # A public donor gives 50.00 yuan on a phone.
    phone = mobile_page
    phone.goto("/give/")
    phone.locator(f'[data-project="{project.pk}"]').click()
    phone.locator('[data-action="give"]').click()
    phone.locator('[data-preset="5000"]').click()
    phone.fill('input[name="donor_name"]', "林晓")
    phone.fill('input[name="class_label"]', "2008级 历史系")
    phone.fill('input[name="email"]', "linxiao@example.com")
    phone.fill('textarea[name="message"]', "愿古籍长存")
    screenshot(phone, "donations-give-mobile")
    phone.locator('[data-action="give-pay"]').click()
    phone.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    phone.locator("[data-pay-option='alipay-wap']").click()
    phone.wait_for_url(re.compile(re.escape(sandbox.url) + r"/gateway\.do\?"))
    assert phone.locator("#sandbox-pay").inner_text().startswith("Pay ¥50.00")
    phone.locator("#sandbox-pay").click()
    phone.wait_for_url(re.compile(r"/pay/XY\w+/result"))
    donation = Donation.objects.get(project=project)
    assert donation.status == DonationStatus.PAID
    phone.locator('[data-action="continue"]').click()
    phone.wait_for_url(re.compile(rf"/give/gifts/{donation.pk}/\?t="))
    assert "林晓" in phone.locator("[data-thank-you]").inner_text()
    screenshot(phone, "donations-thank-you-mobile")
    href = phone.locator('[data-action="certificate"]').get_attribute("href")
    pdf = phone.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)  # pdftotext breaks lines where the layout wraps
    donation.refresh_from_db()
    for expected in (
        "林晓",
        "50.00",
        "伍拾元整",
        "图书馆古籍修复基金",
        donation.certificate_number,
    ):
        assert expected in flat, text
    project.refresh_from_db()
    assert (project.raised_amount, project.donation_count) == (5000, 1)
    phone.goto(f"/give/{project.pk}/")
    assert "林晓" in phone.locator("[data-donor-wall]").inner_text()

    # Staff refund the gift in full from the payments console.
    order = donation.payment
    console.goto(f"/console/payments/orders/{order.pk}/")
    console.fill('[data-refund-form] input[name="amount"]', "50")
    console.fill('[data-refund-form] input[name="reason"]', "捐赠人要求退款")
    console.locator('[data-refund-form] button[type="submit"]').click()
    console.locator("#confirm-dialog .confirm-ok").click()
    console.locator("[data-refund]").first.wait_for()
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    donation.refresh_from_db()
    project.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert (project.raised_amount, project.donation_count) == (0, 0)
    console.goto(f"/console/donations/projects/{project.pk}/")
    assert console.locator("[data-raised]").inner_text().strip() == "0.00"
