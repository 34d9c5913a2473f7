"""What each provider says about a person that an alumni record can hold.

Only the fields an alumnus may change about themselves (employer, position, city, province,
country) are offered, and only when the provider returned them:
- Weibo: `location` ("广东 深圳", "北京 海淀区", "海外 美国") and, with the advanced career
  interface, the latest `company`;
- QQ: `province` and `city`;
- LinkedIn (OpenID Connect): name, picture and email only, nothing for the record;
- WeChat: not offered (its province/city are romanized and often stale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext_lazy as _

# Record fields a provider may fill, in the order the consent page lists them.
FILLABLE_FIELDS: dict[str, Any] = {
    "employer": _("Employer"),
    "position": _("Position"),
    "city": _("City"),
    "province": _("Province"),
    "country": _("Country or region"),
}
FILL_PROVIDERS = ("weibo", "qq", "linkedin")
PROVIDER_NAMES: dict[str, Any] = {"weibo": _("Weibo"), "qq": _("QQ"), "linkedin": _("LinkedIn")}
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")  # 直辖市: the province is the city
ABROAD = "海外"


@dataclass
class ProviderProfile:
    name: str = ""
    avatar_url: str = ""
    values: dict[str, str] = field(default_factory=dict)


def _clean(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _weibo(data: dict[str, Any]) -> ProviderProfile:
    values: dict[str, str] = {}
    parts = _clean(data.get("location"), 120).split()
    if parts and parts[0] == ABROAD:
        if len(parts) > 1:
            values["country"] = parts[1]
    elif parts and parts[0] != "其他":
        values["province"] = parts[0]
        if parts[0] in MUNICIPALITIES:
            values["city"] = parts[0]
        elif len(parts) > 1 and parts[1] != "其他":
            values["city"] = parts[1]
    career = [entry for entry in data.get("career") or [] if entry.get("company")]
    if career:
        # The current job (no end year) first, then the most recently started.
        def order(entry: dict[str, Any]) -> tuple[int, int]:
            current = 1 if not str(entry.get("end") or "").strip() else 0
            try:
                start = int(entry.get("start") or 0)
            except (TypeError, ValueError):
                start = 0
            return current, start

        values["employer"] = _clean(max(career, key=order)["company"], 150)
    return ProviderProfile(
        name=_clean(data.get("screen_name") or data.get("name"), 100),
        avatar_url=_clean(data.get("avatar_hd") or data.get("avatar_large"), 500),
        values=values,
    )


def _qq(data: dict[str, Any]) -> ProviderProfile:
    values: dict[str, str] = {}
    province, city = _clean(data.get("province"), 60), _clean(data.get("city"), 60)
    if province:
        values["province"] = province
    if city:
        values["city"] = city
    elif province in MUNICIPALITIES:
        values["city"] = province
    return ProviderProfile(
        name=_clean(data.get("nickname"), 100),
        avatar_url=_clean(data.get("figureurl_qq_2") or data.get("figureurl_qq_1"), 500),
        values=values,
    )


def _linkedin(data: dict[str, Any]) -> ProviderProfile:
    info = data.get("userinfo") or data.get("id_token") or data
    return ProviderProfile(
        name=_clean(info.get("name"), 100), avatar_url=_clean(info.get("picture"), 500)
    )


def provider_profile(account: SocialAccount) -> ProviderProfile:
    data = account.extra_data if isinstance(account.extra_data, dict) else {}
    readers = {"weibo": _weibo, "qq": _qq, "linkedin": _linkedin}
    reader = readers.get(account.provider)
    profile = reader(data) if reader else ProviderProfile()
    profile.values = {k: v for k, v in profile.values.items() if k in FILLABLE_FIELDS and v}
    return profile
