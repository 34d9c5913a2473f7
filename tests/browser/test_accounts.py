"""Browser journeys of accounts, on a desktop (1280x800) and a phone (390x844): sign-up by
phone code (the code read from the file SMS backend), sign-in by password and by code, and a
staff member's two-factor set-up and sign-in. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.accounts.support import fresh_cache_settings
from tests.factories import UserFactory
from xiaoyou.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = ["desktop_page", "mobile_page"]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    # The live server runs in this process: it uses these settings and this (empty) cache.
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def last_code(path: Path, phone: str) -> str:
    records = [json.loads(line) for line in path.read_text().splitlines() if line]
    codes = [r["params"]["code"] for r in records if r["phone"] == phone and "code" in r["params"]]
    assert codes, f"no code texted to {phone}"
    return codes[-1]


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def short(page_fixture: str) -> str:
    return page_fixture.split("_")[0]


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_sign_up_by_phone_code(request, page_fixture, sms_file, screenshot):
    page = request.getfixturevalue(page_fixture)
    phone = "13800138000" if page_fixture == "desktop_page" else "13900139000"
    page.goto("/accounts/signup/")
    assert page.locator(".auth-tab.is-active").get_attribute("data-tab") == "phone"
    screenshot(page, f"accounts-signup-{short(page_fixture)}")
    # A mistyped number is refused next to the field, in the page's language.
    page.fill("#id_phone", "12345")
    page.click("[data-action=signup]")
    assert page.locator("[data-field=phone] .field-error").is_visible()
    screenshot(page, f"accounts-signup-error-{short(page_fixture)}")

    page.fill("#id_phone", phone)
    page.click("[data-action=signup]")
    page.wait_for_url(re.compile(r"/accounts/phone/verify/$"))
    screenshot(page, f"accounts-signup-code-{short(page_fixture)}")
    page.fill("#id_code", last_code(sms_file, f"+86{phone}"))
    page.click("[data-action=confirm]")
    page.wait_for_url(re.compile(r"/$"))
    user = User.objects.get(phone=f"+86{phone}")
    assert user.phone_verified is True
    assert page.context.cookies()[0]["name"] in {"sessionid", "csrftoken"}
    screenshot(page, f"accounts-signup-done-{short(page_fixture)}")


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_sign_in_by_password_and_by_code(request, page_fixture, sms_file, screenshot):
    page = request.getfixturevalue(page_fixture)
    user = UserFactory(email="lin@example.com", phone="+8613700137000")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)

    page.goto("/accounts/login/")
    screenshot(page, f"accounts-login-{short(page_fixture)}")
    page.click("[data-tab=password]")
    page.fill("#id_login", "lin@example.com")
    page.fill("#id_password", "not my password")
    page.click("[data-action=login]")
    assert page.locator(".form-errors").is_visible()
    screenshot(page, f"accounts-login-error-{short(page_fixture)}")
    page.fill("#id_password", PASSWORD)
    page.click("[data-action=login]")
    page.wait_for_url(re.compile(r"/$"))
    assert "/accounts/login/" not in page.url

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_phone", "137 0013 7000")
    page.click("[data-action=send-code]")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/$"))
    page.fill("#id_code", last_code(sms_file, "+8613700137000"))
    page.click("[data-action=confirm]")
    page.wait_for_url(re.compile(r"/$"))
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_staff_two_factor_setup_and_sign_in(
    request, page_fixture, college_admin, screenshot, settings
):
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    page = request.getfixturevalue(page_fixture)
    college_admin.email = f"admin-{short(page_fixture)}@example.com"
    college_admin.save(update_fields=["email"])
    EmailAddress.objects.create(
        user=college_admin, email=college_admin.email, primary=True, verified=True
    )

    page.goto("/accounts/login/?method=password&next=/console/")
    page.fill("#id_login", college_admin.email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-action=login]")
    # Staff without an authenticator are sent to set one up before the console opens.
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert page.locator(".auth-qr").is_visible()
    screenshot(page, f"accounts-totp-setup-{short(page_fixture)}")
    secret = page.locator("[data-secret]").get_attribute("data-secret")
    page.fill("#id_code", "000000" if totp_now(secret) != "000000" else "111111")
    page.click("[data-action=activate-totp]")
    assert page.locator("[data-field=code] .field-error").is_visible()
    page.fill("#id_code", totp_now(secret))
    page.click("[data-action=activate-totp]")
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert Authenticator.objects.filter(user=college_admin, type=Authenticator.Type.TOTP).exists()
    page.goto("/console/")
    assert page.url.endswith("/console/")

    # Next sign-in: password, then the authenticator code.
    page.context.clear_cookies()
    page.goto("/accounts/login/?method=password&next=/console/")
    page.fill("#id_login", college_admin.email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-action=login]")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    screenshot(page, f"accounts-totp-sign-in-{short(page_fixture)}")
    page.fill("#id_code", totp_now(secret))
    page.click("[data-action=verify-totp]")
    page.wait_for_url(re.compile(r"/console/$"))
    screenshot(page, f"accounts-console-after-2fa-{short(page_fixture)}")
