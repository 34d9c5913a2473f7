"""allauth discovers social providers by importing `<installed app>.provider`: this module
makes the Weibo and QQ providers of this package known (LinkedIn is allauth's OpenID Connect
provider, configured in settings)."""

from __future__ import annotations

from xiaoyou.accounts.social.qq.provider import QQProvider
from xiaoyou.accounts.social.weibo.provider import WeiboProvider

provider_classes = [QQProvider, WeiboProvider]
