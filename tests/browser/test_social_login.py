"""Journey: sign in with QQ through the emulator's authorize page, link Weibo from the
personal center, and copy the employer Weibo returned into the alumni record (desktop)."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.accounts import social_support
from tests.accounts.social_support import WEIBO_KEY
from tests.accounts.support import fresh_cache_settings
from tests.emulators.qq import QQPerson
from tests.emulators.weibo import WeiboPerson
from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.models import RecordChange

social = social_support.social  # the emulators fixture


@pytest.mark.django_db(transaction=True)
def test_qq_sign_in_then_link_weibo_and_fill_employer(desktop_page, social, settings, screenshot):
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    page = desktop_page
    social.qq.login_as(QQPerson(key="han", nickname="韩梅梅", province="广东", city="深圳"))

    page.goto("/accounts/login/")
    page.click('button[data-provider="qq"]')
    page.wait_for_selector("#authorize")  # the QQ emulator's authorize page
    screenshot(page, "social-qq-authorize")
    page.click("#authorize")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    account = SocialAccount.objects.get(provider="qq")
    user = account.user
    assert user.display_name == "韩梅梅"
    # No record yet: the consent page stepped aside and the person is signed in at home.
    assert "/me/social/" not in page.url

    # The record gets linked (as after a claim); the person links Weibo from the personal center.
    record = AlumniRecordFactory(user=user, name="韩梅梅", employer="旧单位")
    social.weibo.grant_career(WEIBO_KEY)
    social.weibo.login_as(
        WeiboPerson(
            uid="5111111111",
            screen_name="韩梅梅微博",
            avatar_large="",  # no picture: the browser stays on 127.0.0.1
            location="广东 深圳",
            career=[{"company": "深圳创新科技有限公司", "start": 2018, "end": ""}],
        )
    )
    page.goto("/me/")
    page.click('[data-entry="linked_accounts"] a')
    page.wait_for_selector('button[data-provider="weibo"]')
    assert page.locator('[data-provider="qq"].social-account').count() == 1
    page.click('button[data-provider="weibo"]')
    page.wait_for_selector("table.social-fill")
    screenshot(page, "social-fill-consent")
    assert page.locator('input[name="fields"]:checked').count() == 0
    assert "深圳创新科技有限公司" in page.inner_text("table.social-fill")
    page.check('input[name="fields"][value="employer"]')
    page.click('button[data-action="copy"]')
    page.wait_for_selector('li.social-account[data-provider="weibo"]')
    screenshot(page, "social-linked-accounts")

    record.refresh_from_db()
    assert record.employer == "深圳创新科技有限公司"
    assert record.city == ""  # offered, not ticked
    change = RecordChange.objects.get(record=record)
    assert (change.field, change.source) == ("employer", "self")
    assert SocialAccount.objects.get(provider="weibo").user == user
