"""Browser journey of personal-data rights on a phone (390x844): a person signs up accepting
the privacy policy, downloads their data (the JSON file is read), deletes their account, and
can no longer sign in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.accounts.support import fresh_cache_settings
from tests.factories import UserFactory
from xiaoyou.accounts.models import User
from xiaoyou.privacy.models import Consent, Erasure
from xiaoyou.privacy.services import policy_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-unusual-passphrase-42"
EMAIL = "xiaoming@example.com"


@pytest.fixture
def published_policy(settings):
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    cache.clear()
    admin = UserFactory(is_superuser=True, is_staff=True)
    return policy_publish(
        actor=admin, kind="privacy", version="1.0", title="隐私政策", body="<p>个人信息保护</p>"
    )


def test_sign_up_download_my_data_then_delete_the_account(
    mobile_page, published_policy, screenshot
):
    page = mobile_page
    page.goto("/accounts/signup/?method=email")
    assert page.locator("[data-privacy-policy='1.0']").is_visible()
    checkbox = page.locator("#id_accept_privacy_policy")
    assert not checkbox.is_checked()
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("[data-action=signup]")
    # Without the tick, the form is refused next to the box.
    assert page.locator("[data-field=accept_privacy_policy] .field-error").is_visible()
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_accept_privacy_policy")
    screenshot(page, "privacy-signup-mobile")
    page.click("[data-action=signup]")
    page.wait_for_url(re.compile(r"/$"))
    user = User.objects.get(email=EMAIL)
    assert Consent.objects.get(user=user).policy == published_policy

    page.goto("/me/")
    page.click("[data-entry=privacy] a")
    page.wait_for_url(re.compile(r"/privacy/$"))
    page.click("[data-action=export]")
    page.wait_for_url(re.compile(r"/privacy/$"))
    screenshot(page, "privacy-center-mobile")
    with page.expect_download() as download_info:
        page.click("[data-download=json]")
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["user_id"] == user.pk
    assert data["sections"]["profile"]["rows"][0]["email"] == EMAIL
    assert data["sections"]["consents"]["rows"][0]["policy__version"] == "1.0"

    page.click("[data-action=delete-account]")
    page.wait_for_url(re.compile(r"/privacy/delete/$"))
    page.fill("#id_password", PASSWORD)
    page.check("#id_confirm")
    screenshot(page, "privacy-delete-mobile")
    page.click("[data-action=confirm-delete]")
    page.wait_for_url(re.compile(r"/privacy/deleted/$"))
    assert Erasure.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.display_name == "已注销用户" and not user.is_active

    page.goto("/accounts/login/")
    page.click("[data-tab=password]")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("[data-action=login]")
    assert page.locator(".form-errors").is_visible()
    assert "/accounts/login/" in page.url
