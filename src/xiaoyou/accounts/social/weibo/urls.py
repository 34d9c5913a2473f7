from __future__ import annotations

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from xiaoyou.accounts.social.weibo.provider import WeiboProvider

urlpatterns = default_urlpatterns(WeiboProvider)
