"""WeChat login views: allauth's OAuth2 login and callback with WeChatClient doing the HTTP."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.http import HttpRequest

from xiaoyou.accounts.wechat.provider import MODE_IN_WECHAT, MODE_QR, client_for
from xiaoyou.core.wechat import WeChatError


class WeChatOAuth2Adapter(OAuth2Adapter):
    provider_id = "wechat"
    # Not used for HTTP (WeChatClient builds the URLs from settings); allauth requires them.
    access_token_url = "/sns/oauth2/access_token"
    authorize_url = "/connect/qrconnect"
    state: dict[str, Any] | None = None

    @property
    def mode(self) -> str:
        return (self.state or {}).get("wechat_mode", MODE_QR)

    def get_access_token_data(
        self, request: HttpRequest, app: Any, client: Any, pkce_code_verifier: Any = None
    ) -> dict[str, Any]:
        code = request.GET.get("code", "")
        try:
            token = client_for(self.mode).exchange_code(code)
        except WeChatError as exc:
            raise OAuth2Error(str(exc)) from exc
        self.did_fetch_access_token = True
        return {
            "access_token": token.access_token,
            "expires_in": token.expires_in,
            "refresh_token": token.refresh_token,
            "openid": token.openid,
            "scope": token.scope,
            "unionid": token.unionid,
        }

    def complete_login(
        self, request: HttpRequest, app: Any, token: SocialToken, **kwargs: Any
    ) -> Any:
        response = kwargs.get("response") or {}
        openid = response["openid"]
        try:
            profile = client_for(self.mode).userinfo(access_token=token.token, openid=openid)
        except WeChatError as exc:
            raise OAuth2Error(str(exc)) from exc
        extra = {**profile, "openid": openid}
        if response.get("unionid") and not extra.get("unionid"):
            extra["unionid"] = response["unionid"]
        extra[f"{self.mode}_openid"] = openid
        uid = str(extra.get("unionid") or openid)
        # allauth replaces extra_data on every login; keep the openid of the other app, since
        # template messages need the official account's openid even after a QR login.
        previous = (
            SocialAccount.objects.filter(provider="wechat", uid=uid)
            .values_list("extra_data", flat=True)
            .first()
        )
        if isinstance(previous, dict):
            for key in (f"{MODE_IN_WECHAT}_openid", f"{MODE_QR}_openid"):
                if previous.get(key) and not extra.get(key):
                    extra[key] = previous[key]
        return self.get_provider().sociallogin_from_response(request, extra)


class WeChatCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider: Any) -> Any:
        state, response = super()._get_state(request, provider)
        # The mode chosen at redirect (which app's credentials) travels in the stashed state.
        self.adapter.state = state  # type: ignore[attr-defined]
        return state, response


oauth2_login = OAuth2LoginView.adapter_view(WeChatOAuth2Adapter)
oauth2_callback = WeChatCallbackView.adapter_view(WeChatOAuth2Adapter)
