"""QQ Connect: the custom provider against the emulator, through the Django test client."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts import social_support
from tests.accounts.social_support import (
    QQ_APP_ID,
    QQ_APP_KEY,
    agree,
    dance,
    start,
)
from tests.emulators.qq import QQPerson
from tests.factories import UserFactory
from xiaoyou.accounts.models import User

pytestmark = pytest.mark.django_db
social = social_support.social  # the emulators fixture


def test_authorize_url_has_the_documented_shape(client, social):
    url = start(client, "qq")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == social.qq.url
    assert parts.path == "/oauth2.0/authorize"
    query = parse_qs(parts.query)
    assert query["client_id"] == [QQ_APP_ID]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["get_user_info"]
    assert query["redirect_uri"] == ["http://testserver/accounts/qq/login/callback/"]
    assert len(query["state"][0]) >= 12


def test_emulator_speaks_query_string_and_jsonp_without_fmt(social):
    # What our adapter avoids by asking fmt=json: QQ's historic answer formats.
    answer = httpx.get(
        f"{social.qq.url}/oauth2.0/token",
        params={
            "grant_type": "authorization_code",
            "client_id": QQ_APP_ID,
            "client_secret": QQ_APP_KEY,
            "code": "never-issued",
            "redirect_uri": "http://testserver/cb",
        },
    )
    assert answer.text.startswith("callback( ") and '"error": 100019' in answer.text


def test_login_creates_a_user_and_signs_in(client, social):
    social.qq.login_as(QQPerson(key="wang", nickname="王芳", province="广东", city="深圳"))
    response = dance(client, "qq", next_url="/?from=qq")
    assert response.status_code == 302
    assert response["Location"] == "/?from=qq"
    account = SocialAccount.objects.get(provider="qq")
    assert account.uid == social.qq.openid(QQ_APP_ID, social.qq.person)
    assert account.extra_data["nickname"] == "王芳"
    assert account.extra_data["city"] == "深圳"
    assert "ret" not in account.extra_data
    assert account.user.display_name == "王芳"
    assert client.session[SESSION_KEY] == str(account.user.pk)


def test_returning_person_signs_into_the_same_user(client, social):
    social.qq.login_as(QQPerson(key="wang", nickname="王芳"))
    dance(client, "qq")
    user = User.objects.get()
    client.logout()
    response = dance(client, "qq")
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert client.session[SESSION_KEY] == str(user.pk)


def test_state_mismatch_is_refused(client, social):
    social.qq.login_as(QQPerson(key="wang"))
    callback = agree(start(client, "qq"))
    params = parse_qs(urlsplit(callback).query)
    forged = client.get(
        reverse("qq_callback"), {"code": params["code"][0], "state": "forged-state"}
    )
    assert forged.status_code == 401
    assert SESSION_KEY not in client.session
    # Another browser replaying the genuine callback has no such state in its session.
    other = client.__class__()
    assert other.get(callback).status_code == 401
    assert User.objects.count() == 0 and SocialAccount.objects.count() == 0


def test_bad_or_reused_code_is_refused(client, social):
    social.qq.login_as(QQPerson(key="wang"))
    callback = agree(start(client, "qq"))
    state = parse_qs(urlsplit(callback).query)["state"][0]
    bad = client.get(reverse("qq_callback"), {"code": "NEVER-ISSUED", "state": state})
    assert bad.status_code == 401
    assert User.objects.count() == 0
    # The state was consumed by the failed attempt; a fresh dance works once, then its code
    # (reused by an attacker with a new state) is refused by QQ.
    callback = agree(start(client, "qq"))
    assert client.get(callback).status_code == 302
    client.logout()
    code = parse_qs(urlsplit(callback).query)["code"][0]
    new_state = parse_qs(urlsplit(start(client, "qq")).query)["state"][0]
    reused = client.get(reverse("qq_callback"), {"code": code, "state": new_state})
    assert reused.status_code == 401
    assert SESSION_KEY not in client.session


def test_wrong_app_key_ends_in_the_error_page(client, social, settings):
    social.qq.login_as(QQPerson(key="wang"))
    app = settings.SOCIALACCOUNT_PROVIDERS["qq"]["APPS"][0]
    app["secret"] = "rotated"
    response = dance(client, "qq")
    assert response.status_code == 401
    assert User.objects.count() == 0


def test_link_and_unlink_from_the_connections_page(client, social):
    user = UserFactory(display_name="已有用户")
    user.set_password("a-long-enough-password-1")
    user.save()
    client.force_login(user)
    social.qq.login_as(QQPerson(key="linker", nickname="连接者"))
    response = dance(client, "qq", process="connect", next_url=reverse("socialaccount_connections"))
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="qq")
    assert account.user == user
    assert User.objects.count() == 1

    page = client.get(reverse("socialaccount_connections"))
    assert page.status_code == 200
    assert f'name="account" value="{account.pk}"' in page.content.decode()
    unlinked = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert unlinked.status_code == 302
    assert SocialAccount.objects.count() == 0


def test_the_last_way_to_sign_in_cannot_be_unlinked(client, social):
    social.qq.login_as(QQPerson(key="only-qq"))
    dance(client, "qq")
    account = SocialAccount.objects.get()
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_unconfigured_provider_is_hidden_and_its_login_is_404(client, settings):
    from xiaoyou.accounts.social.conf import social_providers

    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    page = client.get(reverse("account_login"))
    assert 'data-provider="qq"' not in page.content.decode()
    assert client.post(reverse("qq_login")).status_code == 404
