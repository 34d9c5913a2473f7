"""The WeChat provider: inside WeChat's browser it asks the official account for the profile
(connect/oauth2/authorize, snsapi_userinfo); elsewhere it shows the open platform's QR code
(connect/qrconnect, snsapi_login). Both come back to the same callback with `code` and `state`."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from xiaoyou.core.wechat import WeChatClient, get_client, get_web_client

MODE_IN_WECHAT = "mp"  # official account (公众号) inside WeChat's browser
MODE_QR = "web"  # open platform website application (网站应用), QR code on a PC


def is_wechat_browser(request: HttpRequest) -> bool:
    return "micromessenger" in request.headers.get("User-Agent", "").lower()


def client_for(mode: str) -> WeChatClient:
    return get_client() if mode == MODE_IN_WECHAT else get_web_client()


class WeChatAccount(ProviderAccount):
    def get_avatar_url(self) -> str | None:
        return self.account.extra_data.get("headimgurl") or None

    def to_str(self) -> str:
        return str(self.account.extra_data.get("nickname") or super().to_str())


class WeChatProvider(OAuth2Provider):
    id = "wechat"
    name = "WeChat"
    package = "xiaoyou.accounts.wechat"
    account_class = WeChatAccount

    @property
    def oauth2_adapter_class(self) -> Any:  # type: ignore[override]
        from xiaoyou.accounts.wechat.views import WeChatOAuth2Adapter

        return WeChatOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return ["snsapi_login"]

    def extract_uid(self, data: dict[str, Any]) -> str:
        # unionid is the same person across the official account and the website app;
        # openid differs per app, so it is the uid only when no unionid is given.
        return str(data.get("unionid") or data["openid"])

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: Any = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        requested = request.GET.get("mode")
        if requested in (MODE_IN_WECHAT, MODE_QR):
            mode = requested
        else:
            mode = MODE_IN_WECHAT if is_wechat_browser(request) else MODE_QR
        # The state id is random, kept in the session and checked on the way back (CSRF).
        state_id = self.stash_redirect_state(request, process, next_url, data, wechat_mode=mode)
        callback = request.build_absolute_uri(reverse("wechat_callback"))
        client = client_for(mode)
        if mode == MODE_IN_WECHAT:
            url = client.authorize_url(
                redirect_uri=callback, state=state_id, scope="snsapi_userinfo"
            )
        else:
            url = client.qrconnect_url(redirect_uri=callback, state=state_id, scope="snsapi_login")
        return HttpResponseRedirect(url)


provider_classes = [WeChatProvider]
