"""WeChat JS-SDK: the signature (against WeChat's documented example), the cached jsapi_ticket
fetched from the emulator, and the hall endpoint pages call for wx.config()."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.support import fresh_cache_settings
from tests.emulators.wechat import WeChatEmulator
from xiaoyou.core.wechat import WeChatClient, WeChatError, js_sdk_signature

APP_ID, SECRET = "wx00000000000jssdk", "jssdk-secret-0123456789"

# JS-SDK documentation, 附录1 (JS-SDK使用权限签名算法), the worked example.
DOC_TICKET = (
    "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
)
DOC_NONCE = "Wm3WZYTPz0wzccnW"
DOC_TIMESTAMP = 1414587457
DOC_URL = "http://mp.weixin.qq.com?params=value"
DOC_SIGNATURE = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # The access token and the ticket are cached: each test starts without them.
    settings.CACHES = fresh_cache_settings(settings.CACHES)


@pytest.fixture
def wechat(settings):
    emulator = WeChatEmulator({APP_ID: SECRET})
    with emulator:
        settings.WECHAT_APP_ID = APP_ID
        settings.WECHAT_APP_SECRET = SECRET
        settings.WECHAT_API_URL = emulator.url
        settings.WECHAT_OPEN_URL = emulator.url
        yield emulator


def test_signature_matches_wechats_documented_example():
    signature = js_sdk_signature(
        ticket=DOC_TICKET, nonce=DOC_NONCE, timestamp=DOC_TIMESTAMP, url=DOC_URL
    )
    assert signature == DOC_SIGNATURE


def test_signature_ignores_the_fragment():
    # WeChat signs location.href without its #fragment.
    with_fragment = js_sdk_signature(
        ticket=DOC_TICKET, nonce=DOC_NONCE, timestamp=DOC_TIMESTAMP, url=DOC_URL + "#top"
    )
    assert with_fragment == DOC_SIGNATURE


def test_config_is_signed_with_the_emulators_ticket(wechat):
    client = WeChatClient()
    url = "https://xiaoyou.example.edu.cn/invite/ABCDEFGHIJKLMNOP/?from=groupmessage"
    config = client.js_sdk_config(url)

    assert set(config) == {"appId", "timestamp", "nonceStr", "signature"}
    assert config["appId"] == APP_ID
    assert len(config["nonceStr"]) >= 16
    assert wechat.js_signature_ok(
        appid=APP_ID,
        url=url,
        nonce=config["nonceStr"],
        timestamp=config["timestamp"],
        signature=config["signature"],
    )
    # A signature for another page does not pass.
    assert not wechat.js_signature_ok(
        appid=APP_ID,
        url=url + "&x=1",
        nonce=config["nonceStr"],
        timestamp=config["timestamp"],
        signature=config["signature"],
    )


def test_ticket_is_cached_across_calls_and_clients(wechat):
    first = WeChatClient().jsapi_ticket()
    second = WeChatClient().jsapi_ticket()
    WeChatClient().js_sdk_config("https://example.com/a")

    assert first == second
    assert wechat.ticket_fetches == 1
    assert wechat.token_fetches == 1


def test_revoked_access_token_is_refreshed_once_for_the_ticket(wechat):
    client = WeChatClient()
    client.access_token()  # cached now
    wechat.revoke_account_tokens()

    ticket = client.jsapi_ticket()

    assert ticket in wechat.jsapi_tickets
    assert wechat.token_fetches == 2
    assert wechat.ticket_fetches == 1


def test_wrong_secret_is_a_wechat_error(wechat, settings):
    settings.WECHAT_APP_SECRET = "wrong"
    with pytest.raises(WeChatError) as caught:
        WeChatClient().jsapi_ticket()
    assert caught.value.errcode == 40125


# --- the endpoint pages call -----------------------------------------------------------------


@pytest.mark.django_db
def test_endpoint_returns_a_config_the_emulator_accepts(client, wechat):
    page = "http://testserver/invite/ABCDEFGHIJKLMNOP/"
    response = client.get(reverse("hall:wechat_js_config"), {"url": page + "#share"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    config = response.json()
    assert config["appId"] == APP_ID
    assert wechat.js_signature_ok(
        appid=APP_ID,
        url=page,
        nonce=config["nonceStr"],
        timestamp=config["timestamp"],
        signature=config["signature"],
    )


@pytest.mark.django_db
def test_endpoint_signs_only_this_sites_pages(client, wechat):
    response = client.get(
        reverse("hall:wechat_js_config"), {"url": "https://elsewhere.example.com/page"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_input"}}
    assert wechat.ticket_fetches == 0


@pytest.mark.django_db
def test_endpoint_is_404_without_wechat_configured(client, settings):
    settings.WECHAT_APP_ID = ""
    response = client.get(reverse("hall:wechat_js_config"), {"url": "http://testserver/"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_endpoint_reports_wechat_failure(client, wechat, settings):
    settings.WECHAT_APP_SECRET = "wrong"
    response = client.get(reverse("hall:wechat_js_config"), {"url": "http://testserver/"})
    assert response.status_code == 502
    assert response.json() == {"error": {"code": "wechat_unavailable"}}
