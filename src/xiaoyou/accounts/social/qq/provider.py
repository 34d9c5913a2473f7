"""The QQ provider: the uid is the openid QQ Connect gives this app for the person."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider


class QQAccount(ProviderAccount):
    def get_avatar_url(self) -> str | None:
        data = self.account.extra_data
        return data.get("figureurl_qq_2") or data.get("figureurl_qq_1") or None

    def to_str(self) -> str:
        return str(self.account.extra_data.get("nickname") or super().to_str())


class QQProvider(OAuth2Provider):
    id = "qq"
    name = "QQ"
    package = "xiaoyou.accounts.social.qq"
    account_class = QQAccount

    @property
    def oauth2_adapter_class(self) -> Any:  # type: ignore[override]
        from xiaoyou.accounts.social.qq.views import QQOAuth2Adapter

        return QQOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return ["get_user_info"]

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data["openid"])

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {}


provider_classes = [QQProvider]
