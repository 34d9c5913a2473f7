"""Browser journeys of the cloud card (issue 11), on a phone (390x844):

- the reunion: staff set a meal voucher for everyone checked in at the reunion; an alumnus
  registers on the phone, is checked in at the door, receives the voucher, scans the canteen's
  QR and uses it; a second phone holding the same screen is refused;
- the hotel: a visitor with no account scans the hotel's QR, signs up by phone code, is
  verified, claims the card and lands back on the hotel's discount;
- a key alumnus scans a partner's QR and the association's staff find the alert in their inbox.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.accounts.support import fresh_cache_settings
from tests.cards.conftest import make_verified, partner_with_staff
from tests.cards.factories import CardProgramFactory
from tests.events.factories import EventFactory, TicketTypeFactory
from tests.factories import UserFactory
from xiaoyou.cards.models import ScanRecord, ScanResult, Voucher, VoucherStatus, VoucherType
from xiaoyou.events.models import Registration
from xiaoyou.organizations.models import Role
from xiaoyou.organizations.services import role_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def program(org_tree):
    return CardProgramFactory(org=org_tree.root, name="示范大学校友云卡")


@pytest.fixture
def association_staff(org_tree):
    staff = UserFactory(display_name="校友办老师", is_staff=True)
    role_grant(actor=None, user=staff, org=org_tree.root, role=Role.ADMIN)
    return staff


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def _last_code(path: Path, phone: str) -> str:
    records = [json.loads(line) for line in path.read_text().splitlines() if line]
    codes = [r["params"]["code"] for r in records if r["phone"] == phone and "code" in r["params"]]
    assert codes, f"no code texted to {phone}"
    return codes[-1]


def _second_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    return context


def test_reunion_meal_voucher_is_used_once(
    browser,
    live_server,
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    org_tree,
    program,
    association_staff,
    verified_alumnus,
):
    canteen, _canteen_staff = partner_with_staff(program, "校友食堂", "校友午餐")
    reunion = EventFactory(org=org_tree.root, title="毕业十周年返校日")
    TicketTypeFactory(event=reunion, name="校友票")
    make_verified(verified_alumnus, org_tree.root, name="张伟")

    # --- Staff: a meal voucher at the canteen for everyone checked in at the reunion --------
    console = desktop_page
    sign_in(console, association_staff)
    console.goto("/console/cards/vouchers/new")
    console.fill("#id_name", "返校午餐券")
    console.select_option("#id_kind", "meal")
    console.fill("#id_value", "午餐一份")
    console.select_option("#id_partner", str(canteen.pk))
    console.locator('[data-action="save-voucher-type"]').click()
    console.wait_for_url(re.compile(r"/console/cards/vouchers/\d+/$"))
    voucher_type = VoucherType.objects.get(name="返校午餐券")
    console.select_option("#id_event", str(reunion.pk))
    console.locator('[data-action="add-rule"]').click()
    console.wait_for_selector("[data-rule]")
    screenshot(console, "cards-console-voucher-type-desktop", full_page=True)

    # --- The alumnus registers for the reunion on the phone ----------------------------------
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/events/{reunion.pk}/")
    phone.locator('[data-action="register"]').tap()
    if phone.locator("#id_phone").count():
        phone.fill("#id_phone", "13900000000")
    phone.locator('[data-action="submit-registration"]').tap()
    phone.wait_for_url(re.compile(r"/events/registrations/\d+/$"))
    registration = Registration.objects.get(event=reunion, user=verified_alumnus)

    # --- Checked in at the door (found by name) ----------------------------------------------
    console.goto(f"/console/events/checkin/{reunion.pk}/")
    console.fill("[data-search]", "张伟")
    console.locator(f'[data-check-in-id="{registration.pk}"]').click()
    console.wait_for_function(
        f"!document.querySelector('[data-check-in-id=\"{registration.pk}\"]')"
    )
    voucher = Voucher.objects.get(user=verified_alumnus, voucher_type=voucher_type)
    assert voucher.status == VoucherStatus.ISSUED

    phone.goto("/card/vouchers/")
    assert phone.locator(f'[data-voucher="{voucher.pk}"]').get_attribute("data-status") == "issued"
    screenshot(phone, "cards-vouchers-mobile", full_page=True)

    # --- Two phones scan the canteen's QR; the first uses the voucher --------------------------
    phone.goto(f"/card/p/{canteen.secret}/")
    phone.wait_for_url(re.compile(r"/card/scans/\d+/$"))
    assert phone.locator("[data-benefit]").inner_text() == "校友午餐"
    assert phone.locator("[data-scan-confirm]").get_attribute("data-fresh") == "1"
    other_context = _second_phone(browser, live_server)
    sign_in(other_context.new_page(), verified_alumnus)
    other = other_context.pages[0]
    other.goto(f"/card/p/{canteen.secret}/")
    other.wait_for_url(re.compile(r"/card/scans/\d+/$"))
    assert other.locator(f'[data-voucher="{voucher.pk}"]').count() == 1
    screenshot(phone, "cards-scan-canteen-mobile", full_page=True)

    phone.locator(f'[data-voucher="{voucher.pk}"] [data-action="redeem"]').tap()
    phone.locator("#confirm-dialog .confirm-ok").tap()
    phone.wait_for_selector(f'[data-voucher-redeemed="{voucher.pk}"]')
    screenshot(phone, "cards-redeemed-mobile", full_page=True)

    # The second phone still shows the button: the server refuses the second use.
    other.locator(f'[data-voucher="{voucher.pk}"] [data-action="redeem"]').tap()
    other.locator("#confirm-dialog .confirm-ok").tap()
    refusal = other.locator(".toast-error .toast-message")
    refusal.wait_for()
    assert refusal.inner_text() == _zh("This voucher has already been used.")
    assert other.locator(f'[data-voucher="{voucher.pk}"]').count() == 0
    other_context.close()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    assert voucher.redeemed_scan.partner == canteen

    console.goto("/console/cards/vouchers/")
    screenshot(console, "cards-console-vouchers-desktop", full_page=True)
    assert console.locator("[data-voucher-totals] [data-redeemed]").inner_text() == "1"
    assert console.locator("[data-voucher-totals] [data-issued]").inner_text() == "1"
    console.goto("/console/cards/scans/?q=张伟")
    screenshot(console, "cards-console-scans-desktop", full_page=True)
    # The first phone's scan (redeemed) and the second phone's (benefit shown).
    assert console.locator("td", has_text="校友食堂").count() == 2


def test_hotel_visitor_signs_up_is_verified_and_sees_the_discount(
    mobile_page, screenshot, sms_file, org_tree, program
):
    hotel, _staff = partner_with_staff(program, "校友酒店", "客房七折")
    scan_path = f"/card/p/{hotel.secret}/"
    page = mobile_page
    page.goto(scan_path)
    assert page.locator("[data-scan-guide]").get_attribute("data-scan-guide") == "anonymous"
    assert page.locator("[data-benefit]").inner_text() == "客房七折"
    screenshot(page, "cards-hotel-guide-mobile", full_page=True)

    page.locator('[data-action="scan-signup"]').tap()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    page.fill("#id_phone", "13700137000")
    page.locator("[data-action=signup]").tap()
    page.wait_for_url(re.compile(r"/accounts/phone/verify/"))
    page.fill("#id_code", _last_code(sms_file, "+8613700137000"))
    page.locator("[data-action=confirm]").tap()
    page.wait_for_url(re.compile(re.escape(scan_path) + "$"))
    assert page.locator("[data-scan-guide]").get_attribute("data-scan-guide") == "not_eligible"

    page.locator('[data-action="scan-claim"]').tap()
    page.wait_for_url(re.compile(r"/card/claim/"))
    assert page.locator('[data-step="verify"]').get_attribute("data-done") == "0"
    screenshot(page, "cards-hotel-claim-mobile", full_page=True)

    # The association verifies the new alumnus (record claim approved) and they join it.
    from xiaoyou.accounts.models import User

    visitor = User.objects.get(phone="+8613700137000")
    make_verified(visitor, org_tree.root, name="林晓")
    role_grant(actor=None, user=visitor, org=org_tree.root, role=Role.MEMBER)

    page.reload()
    assert page.locator('[data-step="verify"]').get_attribute("data-done") == "1"
    page.locator('[data-action="claim-card"]').tap()
    page.wait_for_url(re.compile(r"/card/scans/\d+/$"))
    assert page.locator("[data-benefit]").inner_text() == "客房七折"
    assert page.locator("[data-holder-name]").inner_text() == "林晓"
    assert page.locator("[data-scan-confirm]").get_attribute("data-fresh") == "1"
    screenshot(page, "cards-hotel-benefit-mobile", full_page=True)
    results = list(
        ScanRecord.objects.filter(partner=hotel).order_by("pk").values_list("result", flat=True)
    )
    assert results == [ScanResult.ANONYMOUS, ScanResult.NOT_ELIGIBLE, ScanResult.SHOWN]

    # The card page itself: the live code is renewed by htmx without a reload.
    page.goto("/card/")
    screenshot(page, "cards-my-card-mobile", full_page=True)
    first = page.locator("[data-live-qr]").get_attribute("data-token")
    page.wait_for_function(
        f"document.querySelector('[data-live-qr]').dataset.token !== {json.dumps(first)}",
        timeout=30_000,
    )


def test_a_key_alumnus_scan_notifies_staff(
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    org_tree,
    program,
    association_staff,
    verified_alumnus,
):
    hotel, _staff = partner_with_staff(program, "校友酒店", "客房七折")
    make_verified(verified_alumnus, org_tree.root, name="王重", is_key=True)
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/card/p/{hotel.secret}/")
    phone.wait_for_url(re.compile(r"/card/scans/\d+/$"))

    staff = desktop_page
    sign_in(staff, association_staff)
    staff.goto("/notifications/")
    assert staff.get_by_text(re.compile("王重")).first.is_visible()
    assert "校友酒店" in staff.content()
    screenshot(staff, "cards-key-alumnus-alert-desktop")
