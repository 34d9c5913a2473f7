"""WeChat (微信) client: web OAuth login, template messages (模板消息) and the JS-SDK signature.

Base URLs come from settings.WECHAT_OPEN_URL (open.weixin.qq.com: the pages a person sees) and
settings.WECHAT_API_URL (api.weixin.qq.com: server-to-server JSON), so tests point them at a
local emulator. WeChat answers errors with HTTP 200 and {"errcode": N, "errmsg": "..."};
every call turns a non-zero errcode into WeChatError.

Two credentials exist in real deployments: the official account (公众号, WECHAT_APP_ID) logs
people in inside WeChat's browser and sends template messages; the open platform's website
application (网站应用, WECHAT_WEB_APP_ID) logs them in by QR code on a PC. A person has one
`unionid` across both when the two are bound to the same open platform account.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.cache import cache

# errcodes meaning the cached access_token is no longer valid: fetch a new one and retry once.
TOKEN_ERRCODES = {40001, 40014, 42001}
# Refresh the token this many seconds before WeChat says it expires (it lasts 7200 s).
TOKEN_MARGIN_SECONDS = 300


class WeChatError(Exception):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")


@dataclass(frozen=True)
class OAuthToken:
    """The answer of /sns/oauth2/access_token: a user's token, not the account's."""

    access_token: str
    expires_in: int
    refresh_token: str
    openid: str
    scope: str
    unionid: str = ""


class WeChatClient:
    """One WeChat application (app id + secret); see the module docstring for which is which."""

    def __init__(
        self,
        *,
        app_id: str | None = None,
        app_secret: str | None = None,
        open_url: str | None = None,
        api_url: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.app_id = app_id if app_id is not None else settings.WECHAT_APP_ID
        self.app_secret = app_secret if app_secret is not None else settings.WECHAT_APP_SECRET
        self.open_url = (open_url or settings.WECHAT_OPEN_URL).rstrip("/")
        self.api_url = (api_url or settings.WECHAT_API_URL).rstrip("/")
        self.timeout = timeout

    # --- OAuth 2.0 web login ---------------------------------------------------------------
    def authorize_url(
        self, *, redirect_uri: str, state: str, scope: str = "snsapi_userinfo"
    ) -> str:
        """Login inside WeChat's browser (网页授权): connect/oauth2/authorize."""
        return self._login_url("/connect/oauth2/authorize", redirect_uri, state, scope)

    def qrconnect_url(self, *, redirect_uri: str, state: str, scope: str = "snsapi_login") -> str:
        """Login on a PC by scanning a QR code (扫码登录): connect/qrconnect."""
        return self._login_url("/connect/qrconnect", redirect_uri, state, scope)

    def _login_url(self, path: str, redirect_uri: str, state: str, scope: str) -> str:
        # WeChat checks the parameter order and wants the #wechat_redirect fragment.
        query = urlencode(
            [
                ("appid", self.app_id),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", scope),
                ("state", state),
            ]
        )
        return f"{self.open_url}{path}?{query}#wechat_redirect"

    def exchange_code(self, code: str) -> OAuthToken:
        data = self._get(
            "/sns/oauth2/access_token",
            {
                "appid": self.app_id,
                "secret": self.app_secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        return OAuthToken(
            access_token=str(data["access_token"]),
            expires_in=int(data.get("expires_in", 7200)),
            refresh_token=str(data.get("refresh_token", "")),
            openid=str(data["openid"]),
            scope=str(data.get("scope", "")),
            unionid=str(data.get("unionid", "")),
        )

    def userinfo(self, *, access_token: str, openid: str, lang: str = "zh_CN") -> dict[str, Any]:
        """The person's profile: openid, nickname, sex, province, city, country, headimgurl,
        privilege and, when the app is bound to an open platform account, unionid."""
        return self._get(
            "/sns/userinfo", {"access_token": access_token, "openid": openid, "lang": lang}
        )

    # --- Official account: access token and template messages ------------------------------
    def _token_cache_key(self) -> str:
        return f"wechat:access_token:{self.api_url}:{self.app_id}"

    def access_token(self, *, refresh: bool = False) -> str:
        """The account's access_token from /cgi-bin/token, cached until shortly before expiry.

        WeChat limits how often a token may be fetched per day and invalidates the previous one
        on each fetch, so every process shares the cached token.
        """
        key = self._token_cache_key()
        if not refresh:
            token = cache.get(key)
            if token:
                return str(token)
        data = self._get(
            "/cgi-bin/token",
            {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret},
        )
        token = str(data["access_token"])
        lifetime = int(data.get("expires_in", 7200))
        cache.set(key, token, timeout=max(60, lifetime - TOKEN_MARGIN_SECONDS))
        return token

    def send_template_message(
        self, *, openid: str, template_id: str, data: dict[str, Any], url: str = ""
    ) -> str:
        """Sends a template message to a follower of the official account; returns its msgid.

        `data` maps the template's keywords to strings or to {"value": ..., "color": ...}.
        """
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {
                key: value if isinstance(value, dict) else {"value": str(value)}
                for key, value in data.items()
            },
        }
        if url:
            body["url"] = url
        try:
            answer = self._post_with_token("/cgi-bin/message/template/send", body)
        except WeChatError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            # The cached token was revoked (another process fetched one): fetch and retry once.
            answer = self._post_with_token("/cgi-bin/message/template/send", body, refresh=True)
        return str(answer["msgid"])

    # --- JS-SDK (share cards inside WeChat's browser) --------------------------------------
    def _ticket_cache_key(self) -> str:
        return f"wechat:jsapi_ticket:{self.api_url}:{self.app_id}"

    def jsapi_ticket(self, *, refresh: bool = False) -> str:
        """The jsapi_ticket from /cgi-bin/ticket/getticket?type=jsapi, cached like the token.

        WeChat limits ticket fetches per day as it does tokens, so every process shares one.
        """
        key = self._ticket_cache_key()
        if not refresh:
            ticket = cache.get(key)
            if ticket:
                return str(ticket)
        try:
            data = self._get_with_token("/cgi-bin/ticket/getticket", {"type": "jsapi"})
        except WeChatError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            data = self._get_with_token(
                "/cgi-bin/ticket/getticket", {"type": "jsapi"}, refresh=True
            )
        ticket = str(data["ticket"])
        lifetime = int(data.get("expires_in", 7200))
        cache.set(key, ticket, timeout=max(60, lifetime - TOKEN_MARGIN_SECONDS))
        return ticket

    def js_sdk_config(
        self, url: str, *, nonce: str | None = None, timestamp: int | None = None
    ) -> dict[str, Any]:
        """What wx.config() needs for the page at `url`: appId, timestamp, nonceStr, signature.

        `url` is the page's full address without its #fragment (WeChat signs exactly what
        location.href.split('#')[0] gives in the browser).
        """
        nonce = nonce or secrets.token_urlsafe(12)
        timestamp = int(time.time()) if timestamp is None else timestamp
        return {
            "appId": self.app_id,
            "timestamp": timestamp,
            "nonceStr": nonce,
            "signature": js_sdk_signature(
                ticket=self.jsapi_ticket(), nonce=nonce, timestamp=timestamp, url=url
            ),
        }

    # --- HTTP ------------------------------------------------------------------------------
    def _get_with_token(
        self, path: str, params: dict[str, str], *, refresh: bool = False
    ) -> dict[str, Any]:
        token = self.access_token(refresh=refresh)
        return self._request("GET", path, {"access_token": token, **params}, None)

    def _post_with_token(
        self, path: str, body: dict[str, Any], *, refresh: bool = False
    ) -> dict[str, Any]:
        token = self.access_token(refresh=refresh)
        return self._request("POST", path, {"access_token": token}, body)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        return self._request("GET", path, params, None)

    def _request(
        self, method: str, path: str, params: dict[str, str], body: dict[str, Any] | None
    ) -> dict[str, Any]:
        content = None
        headers = {}
        if body is not None:
            # WeChat wants UTF-8 text, not \\u escapes, for Chinese template values.
            content = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            response = httpx.request(
                method,
                f"{self.api_url}{path}",
                params=params,
                content=content,
                headers=headers,
                timeout=self.timeout,
            )
            response.raise_for_status()
            # WeChat sends UTF-8 without always saying so; decode explicitly.
            data = json.loads(response.content.decode("utf-8"))
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatError(-1, f"{path}: {exc}") from exc
        if not isinstance(data, dict):
            raise WeChatError(-1, f"{path}: unexpected answer")
        errcode = int(data.get("errcode", 0) or 0)
        if errcode != 0:
            raise WeChatError(errcode, str(data.get("errmsg", "")))
        return data


def js_sdk_signature(*, ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """The JS-SDK signature (JS-SDK 附录1): sha1 of
    "jsapi_ticket=...&noncestr=...&timestamp=...&url=..." — keys in that (ASCII) order, values
    raw (not URL-encoded), the url without its fragment."""
    url = url.split("#", 1)[0]
    text = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - WeChat's algorithm


def get_client() -> WeChatClient:
    """The official account's client (template messages, login inside WeChat)."""
    return WeChatClient()


def get_web_client() -> WeChatClient:
    """The website application's client (QR login on a PC); the official account's if unset."""
    if settings.WECHAT_WEB_APP_ID:
        return WeChatClient(
            app_id=settings.WECHAT_WEB_APP_ID, app_secret=settings.WECHAT_WEB_APP_SECRET
        )
    return WeChatClient()


def is_configured() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)
