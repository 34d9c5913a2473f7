"""allauth's Weibo provider, registered from this package so its views (and so its endpoint
URLs) are ours; allauth's own weibo app is not installed."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.weibo.provider import WeiboProvider as AllauthWeiboProvider


class WeiboProvider(AllauthWeiboProvider):
    package = "xiaoyou.accounts.social.weibo"

    @property
    def oauth2_adapter_class(self) -> Any:  # type: ignore[override]
        from xiaoyou.accounts.social.weibo.views import WeiboOAuth2Adapter

        return WeiboOAuth2Adapter


provider_classes = [WeiboProvider]
