"""WeChat: the client against the emulator, and web login end to end (QR on PC, in WeChat)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.conftest import MP_APP_ID, WEB_APP_ID
from tests.emulators.wechat import Person
from tests.factories import UserFactory
from xiaoyou.accounts.models import User
from xiaoyou.core.wechat import WeChatClient, WeChatError, get_client

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN"
)
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


# --- client ---------------------------------------------------------------------------------


def test_login_urls_follow_the_documented_shape(wechat):
    client = get_client()
    url = client.authorize_url(redirect_uri="https://x.example/cb", state="s1")
    assert url.startswith(f"{wechat.url}/connect/oauth2/authorize?appid={MP_APP_ID}&redirect_uri=")
    assert url.endswith("&response_type=code&scope=snsapi_userinfo&state=s1#wechat_redirect")
    qr = client.qrconnect_url(redirect_uri="https://x.example/cb", state="s2")
    assert urlsplit(qr).path == "/connect/qrconnect"
    assert parse_qs(urlsplit(qr).query)["scope"] == ["snsapi_login"]


def _code_for(wechat, url: str) -> str:
    answer = httpx.get(url.split("#")[0], follow_redirects=False)
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]


def test_code_exchange_and_userinfo(wechat):
    wechat.login_as(Person(key="li", nickname="李雷", unionid="union-li"))
    client = get_client()
    code = _code_for(wechat, client.authorize_url(redirect_uri="https://x.example/cb", state="s"))
    token = client.exchange_code(code)
    assert token.openid == wechat.openid(MP_APP_ID, wechat.person)
    assert token.unionid == "union-li"
    assert token.scope == "snsapi_userinfo"
    profile = client.userinfo(access_token=token.access_token, openid=token.openid)
    assert profile["nickname"] == "李雷"
    assert profile["unionid"] == "union-li"
    with pytest.raises(WeChatError) as error:
        client.exchange_code(code)
    assert error.value.errcode == 40163


def test_wrong_secret_and_bad_code_raise_errcodes(wechat):
    with pytest.raises(WeChatError) as error:
        WeChatClient(app_secret="wrong").exchange_code("anything")
    assert error.value.errcode == 40125
    with pytest.raises(WeChatError) as error:
        get_client().exchange_code("never-issued")
    assert error.value.errcode == 40029
    with pytest.raises(WeChatError) as error:
        WeChatClient(app_id="wx-unknown").access_token()
    assert error.value.errcode == 40013


def test_template_message_uses_one_cached_token(wechat):
    openid = wechat.openid(MP_APP_ID, Person(key="fan"))
    wechat.follow(MP_APP_ID, openid)
    wechat.add_template(MP_APP_ID, "TPL-review")
    client = get_client()
    first = client.send_template_message(
        openid=openid,
        template_id="TPL-review",
        data={"first": "审核通过", "remark": {"value": "谢谢", "color": "#C8102E"}},
        url="https://alumni.example/hall/",
    )
    second = client.send_template_message(
        openid=openid, template_id="TPL-review", data={"first": "再次"}
    )
    assert first.isdigit() and second.isdigit() and first != second
    assert wechat.token_fetches == 1
    sent = wechat.sent[0]
    assert sent.data == {
        "first": {"value": "审核通过"},
        "remark": {"value": "谢谢", "color": "#C8102E"},
    }
    assert sent.url == "https://alumni.example/hall/"
    assert wechat.sent[1].url == ""


def test_revoked_token_is_fetched_again_once(wechat):
    openid = wechat.openid(MP_APP_ID, Person(key="fan"))
    wechat.follow(MP_APP_ID, openid)
    wechat.add_template(MP_APP_ID, "TPL")
    client = get_client()
    client.send_template_message(openid=openid, template_id="TPL", data={"first": "1"})
    wechat.revoke_account_tokens()
    client.send_template_message(openid=openid, template_id="TPL", data={"first": "2"})
    assert wechat.token_fetches == 2
    assert len(wechat.sent) == 2


def test_template_errors_raise(wechat):
    openid = wechat.openid(MP_APP_ID, Person(key="not-a-follower"))
    wechat.add_template(MP_APP_ID, "TPL")
    client = get_client()
    with pytest.raises(WeChatError) as error:
        client.send_template_message(openid=openid, template_id="TPL", data={"first": "x"})
    assert error.value.errcode == 40003
    wechat.follow(MP_APP_ID, openid)
    with pytest.raises(WeChatError) as error:
        client.send_template_message(openid=openid, template_id="TPL-missing", data={"first": "x"})
    assert error.value.errcode == 40037
    assert wechat.sent == []


# --- web login end to end -------------------------------------------------------------------


def wechat_login(client, wechat, *, user_agent: str = DESKTOP_UA, next_url: str = ""):
    """Runs the browser's part: our login view -> WeChat page -> our callback."""
    data = {"next": next_url} if next_url else {}
    start = client.post(reverse("wechat_login"), data, HTTP_USER_AGENT=user_agent)
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(wechat.url)
    assert authorize.endswith("#wechat_redirect")
    answer = httpx.get(authorize.split("#")[0], follow_redirects=False)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["location"])
    assert callback.path == reverse("wechat_callback")
    response = client.get(f"{callback.path}?{callback.query}", HTTP_USER_AGENT=user_agent)
    return authorize, response


@pytest.mark.django_db
def test_qr_login_on_a_pc_creates_a_new_user(client, wechat):
    wechat.login_as(Person(key="han", nickname="韩梅梅", unionid="union-han"))
    authorize, response = wechat_login(client, wechat)
    query = parse_qs(urlsplit(authorize.split("#")[0]).query)
    assert urlsplit(authorize).path == "/connect/qrconnect"
    assert query["appid"] == [WEB_APP_ID]
    assert query["scope"] == ["snsapi_login"]
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="wechat")
    assert account.uid == "union-han"
    assert account.extra_data["web_openid"] == wechat.openid(WEB_APP_ID, wechat.person)
    user = account.user
    assert user.display_name == "韩梅梅"
    assert user.username.startswith("u")
    assert user.has_usable_password() is False
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.django_db
def test_returning_user_in_wechat_browser_signs_into_the_same_account(client, wechat):
    wechat.login_as(Person(key="han", nickname="韩梅梅", unionid="union-han"))
    wechat_login(client, wechat)
    first_user = User.objects.get()
    client.logout()

    authorize, response = wechat_login(
        client, wechat, user_agent=WECHAT_UA, next_url="/?from=wechat"
    )
    assert urlsplit(authorize).path == "/connect/oauth2/authorize"
    assert parse_qs(urlsplit(authorize.split("#")[0]).query)["appid"] == [MP_APP_ID]
    assert parse_qs(urlsplit(authorize.split("#")[0]).query)["scope"] == ["snsapi_userinfo"]
    assert response.status_code == 302
    assert response["Location"] == "/?from=wechat"
    assert User.objects.count() == 1
    assert client.session[SESSION_KEY] == str(first_user.pk)
    extra = SocialAccount.objects.get().extra_data
    # Both openids are kept: template messages need the official account's.
    assert extra["mp_openid"] == wechat.openid(MP_APP_ID, wechat.person)
    assert extra["web_openid"] == wechat.openid(WEB_APP_ID, wechat.person)


@pytest.mark.django_db
def test_without_unionid_the_openid_is_the_uid(client, wechat):
    wechat.login_as(Person(key="solo", nickname="独立用户"))
    wechat_login(client, wechat, user_agent=WECHAT_UA)
    account = SocialAccount.objects.get()
    assert account.uid == wechat.openid(MP_APP_ID, wechat.person)


@pytest.mark.django_db
def test_forged_or_replayed_state_signs_nobody_in(client, wechat):
    wechat.login_as(Person(key="han", unionid="union-han"))
    start = client.post(reverse("wechat_login"), HTTP_USER_AGENT=DESKTOP_UA)
    answer = httpx.get(start["Location"].split("#")[0], follow_redirects=False)
    callback = urlsplit(answer.headers["location"])
    params = parse_qs(callback.query)
    forged = client.get(reverse("wechat_callback"), {"code": params["code"][0], "state": "forged"})
    assert forged.status_code == 401
    assert "Third-Party Login Failure" in forged.content.decode()
    assert SESSION_KEY not in client.session
    assert User.objects.count() == 0
    # Another browser replaying the genuine state has no such state in its session.
    other = client.__class__()
    replay = other.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 401
    assert SESSION_KEY not in other.session
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_wechat_error_ends_in_the_error_page(client, wechat, settings):
    wechat.login_as(Person(key="han", unionid="union-han"))
    settings.WECHAT_WEB_APP_SECRET = "rotated-secret"
    _, response = wechat_login(client, wechat)
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_existing_user_is_not_touched_by_a_new_wechat_login(client, wechat):
    existing = UserFactory(display_name="原有用户")
    wechat.login_as(Person(key="new", nickname="新朋友", unionid="union-new"))
    wechat_login(client, wechat)
    assert User.objects.count() == 2
    assert SocialAccount.objects.get().user != existing
