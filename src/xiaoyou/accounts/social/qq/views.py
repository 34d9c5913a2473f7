"""QQ Connect's three calls after the person agrees: code -> access token (token, fmt=json),
access token -> openid (me), openid -> profile (user/get_user_info). QQ reports errors in the
body ({"error": code} or {"ret": non-zero}) with HTTP 200; any of them ends the login."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter
from django.conf import settings
from django.http import HttpRequest

from xiaoyou.accounts.social.views_common import oauth2_views


def graph_url(path: str) -> str:
    return settings.QQ_GRAPH_URL.rstrip("/") + path


def _get_json(url: str, params: dict[str, str]) -> dict[str, Any]:
    with get_adapter().get_requests_session() as session:
        response = session.get(url, params=params)
    try:
        data = response.json()
    except ValueError as exc:
        raise OAuth2Error(f"QQ answered {response.status_code} without JSON") from exc
    if response.status_code != 200 or not isinstance(data, dict):
        raise OAuth2Error(f"QQ answered {response.status_code}")
    if data.get("error") or data.get("ret") not in (None, 0):
        raise OAuth2Error(f"QQ error {data.get('error') or data.get('ret')}: {data}")
    return data


class QQOAuth2Adapter(OAuth2Adapter):
    provider_id = "qq"
    access_token_method = "GET"  # nosec: QQ Connect's token endpoint is a GET

    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return graph_url("/oauth2.0/authorize")

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return graph_url("/oauth2.0/token")

    def get_access_token_data(
        self, request: HttpRequest, app: Any, client: Any, pkce_code_verifier: Any = None
    ) -> dict[str, Any]:
        code = request.GET.get("code", "")
        # Without fmt=json QQ answers a query string, and errors as JSONP "callback( ... );".
        data = client.get_access_token(code, extra_data={"fmt": "json"})
        self.did_fetch_access_token = True
        return dict(data)

    def complete_login(
        self, request: HttpRequest, app: Any, token: SocialToken, **kwargs: Any
    ) -> Any:
        me = _get_json(graph_url("/oauth2.0/me"), {"access_token": token.token, "fmt": "json"})
        if me.get("client_id") != app.client_id or not me.get("openid"):
            # A token issued to another app (token substitution) must not sign anybody in.
            raise OAuth2Error("QQ token belongs to another app")
        openid = str(me["openid"])
        profile = _get_json(
            graph_url("/user/get_user_info"),
            {"access_token": token.token, "oauth_consumer_key": app.client_id, "openid": openid},
        )
        extra = {key: value for key, value in profile.items() if key not in ("ret", "msg")}
        extra["openid"] = openid
        return self.get_provider().sociallogin_from_response(request, extra)


oauth2_login, oauth2_callback = oauth2_views(QQOAuth2Adapter)
