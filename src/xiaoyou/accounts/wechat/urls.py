from __future__ import annotations

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from xiaoyou.accounts.wechat.provider import WeChatProvider

urlpatterns = default_urlpatterns(WeChatProvider)
