"""allauth discovers social providers by importing `<installed app>.provider`: this module makes
the WeChat provider of `xiaoyou.accounts.wechat` known without another installed app."""

from __future__ import annotations

from xiaoyou.accounts.wechat.provider import WeChatProvider

provider_classes = [WeChatProvider]
