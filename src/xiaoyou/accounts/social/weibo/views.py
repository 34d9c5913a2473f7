"""Weibo's OAuth 2.0: authorize and access_token under /oauth2/, the profile from
/2/users/show.json and, for apps granted the advanced interface (WEIBO_CAREER_ENABLED), the
work history from /2/account/profile/career.json. Weibo answers errors with HTTP 4xx and
{"error", "error_code"}."""

from __future__ import annotations

import logging
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.weibo.views import (
    WeiboOAuth2Adapter as AllauthWeiboOAuth2Adapter,
)
from django.conf import settings
from django.http import HttpRequest

from xiaoyou.accounts.social.views_common import oauth2_views

logger = logging.getLogger(__name__)


def api_url(path: str) -> str:
    return settings.WEIBO_API_URL.rstrip("/") + path


class WeiboOAuth2Adapter(AllauthWeiboOAuth2Adapter):
    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return api_url("/oauth2/authorize")

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return api_url("/oauth2/access_token")

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return api_url("/2/users/show.json")

    def complete_login(
        self, request: HttpRequest, app: Any, token: SocialToken, **kwargs: Any
    ) -> Any:
        uid = (kwargs.get("response") or {}).get("uid")
        if not uid:
            raise OAuth2Error("Weibo gave no uid with the token")
        params = {"access_token": token.token, "uid": str(uid)}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, params=params)
            try:
                extra = response.json()
            except ValueError as exc:
                raise OAuth2Error(f"Weibo answered {response.status_code}") from exc
            if response.status_code != 200 or not isinstance(extra, dict) or "error" in extra:
                raise OAuth2Error(f"Weibo error: {extra}")
            if settings.WEIBO_CAREER_ENABLED:
                extra["career"] = self._career(session, params)
        return self.get_provider().sociallogin_from_response(request, extra)

    def _career(self, session: Any, params: dict[str, str]) -> list[dict[str, Any]]:
        # An advanced interface: without the grant (or on any error) the login goes on
        # without the work history rather than failing.
        response = session.get(api_url("/2/account/profile/career.json"), params=params)
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200 or not isinstance(data, list):
            logger.warning("weibo career not available", extra={"status": response.status_code})
            return []
        return [entry for entry in data if isinstance(entry, dict)]


oauth2_login, oauth2_callback = oauth2_views(WeiboOAuth2Adapter)
