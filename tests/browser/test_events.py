"""Browser journey of a paid event: staff create it in the console (desktop) with two ticket
types and approval required, and publish it; an alumnus registers on a phone; staff approve
the registration; the alumnus pays with WeChat Pay H5 through the WeChat Pay sandbox and sees
the registration confirmed in "My events".

(Approval comes before payment: evcore's registration_approve moves an approved paid
registration to "waiting for payment" with its order, so nobody pays for a seat that is then
refused.)"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone, translation

from xiaoyou.events.models import Event, EventStatus, Registration, RegistrationStatus
from xiaoyou.payments.models import OrderStatus
from xiaoyou.payments.sandbox.wechatpay import WeChatPaySandbox

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox(settings):
    with WeChatPaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "wechat": emulator.provider_config(),
        }
        yield emulator


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_paid_event_with_approval_from_console_to_my_events(
    desktop_page,
    mobile_page,
    sign_in,
    screenshot,
    sandbox,
    org_tree,
    college_admin,
    verified_alumnus,
):
    starts = timezone.now() + dt.timedelta(days=10)
    # --- Staff create the event in the console (desktop) -------------------------------------
    staff = desktop_page
    sign_in(staff, college_admin)
    staff.goto("/console/events/")
    staff.locator('[data-action="new-event"]').click()
    staff.wait_for_url("**/console/events/new")
    staff.fill("#id_title", "学院十周年晚宴")
    staff.fill("#id_starts_at", _local(starts))
    staff.fill("#id_ends_at", _local(starts + dt.timedelta(hours=4)))
    staff.fill("#id_place", "校友之家")
    staff.fill("#id_capacity", "100")
    staff.check("#id_requires_approval")
    staff.fill("#id_tickets-0-name", "校友票")
    staff.fill("#id_tickets-0-price", "50")
    staff.locator("[data-formset-add]").click()
    staff.fill("#id_tickets-1-name", "家属票")
    staff.fill("#id_tickets-1-price", "30.50")
    screenshot(staff, "events-console-create", full_page=True)
    staff.locator('[data-action="save-event"]').click()
    staff.wait_for_url(re.compile(r"/console/events/\d+/$"))
    event = Event.objects.get(title="学院十周年晚宴")
    assert [(t.name, t.price) for t in event.ticket_types.all()] == [
        ("校友票", 5000),
        ("家属票", 3050),
    ]
    assert event.requires_approval and event.org == org_tree.college
    staff.locator('[data-action="publish-event"]').click()
    staff.locator('[data-event-status="published"]').wait_for()
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED

    # --- The alumnus registers on a phone ----------------------------------------------------
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto("/events/")
    phone.locator(f'[data-event="{event.pk}"]').tap()
    phone.wait_for_url(f"**/events/{event.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(phone, "events-hall-detail-mobile", full_page=True)
    phone.locator('[data-action="register"]').tap()
    family = event.ticket_types.get(name="家属票")
    phone.locator(f'input[name="ticket_type"][value="{family.pk}"]').check()
    phone.fill("#id_phone", "13900000000")
    screenshot(phone, "events-hall-register-mobile", full_page=True)
    phone.locator('[data-action="submit-registration"]').tap()
    phone.wait_for_url(re.compile(r"/events/registrations/\d+/$"))
    assert phone.locator("[data-my-status]").get_attribute("data-my-status") == "pending_review"
    registration = Registration.objects.get(event=event, user=verified_alumnus)
    assert registration.name == "张伟"

    # --- Staff approve it --------------------------------------------------------------------
    staff.goto(f"/console/events/{event.pk}/registrations/")
    staff.locator("#registrations-table a", has_text="张伟").click()
    staff.locator('[data-action="approve"]').click()
    staff.locator('[data-registration-status="awaiting_payment"]').wait_for()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_PAYMENT
    assert registration.payment.amount == 3050

    # --- The alumnus pays through the WeChat Pay sandbox --------------------------------------
    phone.reload()
    phone.locator('[data-action="pay"]').tap()
    phone.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    phone.locator("[data-pay-option='wechat-h5']").tap()
    phone.wait_for_url(re.compile(re.escape(sandbox.url) + r"/sandbox/pay/wx\w+\?"))
    assert "Pay ¥30.50" in phone.locator("#sandbox-pay").inner_text()
    phone.locator("#sandbox-pay").tap()
    phone.wait_for_url(re.compile(rf"/pay/{registration.payment.out_trade_no}/result"))
    registration.payment.refresh_from_db()
    assert registration.payment.status == OrderStatus.PAID

    # --- ...and sees it confirmed in "My events" ---------------------------------------------
    phone.goto("/me/")
    with translation.override("zh-hans"):
        my_events = translation.gettext("My events")
    phone.get_by_text(my_events).first.tap()
    phone.wait_for_url("**/events/mine/")
    item = phone.locator(f'[data-registration="{registration.pk}"] [data-my-status]')
    assert item.get_attribute("data-my-status") == "confirmed"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    screenshot(phone, "events-hall-my-events-mobile", full_page=True)
