from __future__ import annotations

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from xiaoyou.accounts.social.qq.provider import QQProvider

urlpatterns = default_urlpatterns(QQProvider)
