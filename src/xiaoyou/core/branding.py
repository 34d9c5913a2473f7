"""The school's name, logo and colours as shown by both shells."""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.core.cache import cache
from django.utils.html import strip_tags
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Branding:
    school_name: str
    association_name: str
    brand_color: str
    logo_url: str
    cover_url: str
    # The main association's introduction, featured under its name on the hall home.
    introduction: str = ""


CACHE_KEY = "branding:v2"


def current() -> Branding:
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    from xiaoyou.organizations.selectors import root_organization

    root = root_organization()
    association = root.name if root else _("Alumni Association")
    school = settings.SCHOOL_NAME or (
        root.school_name if root and root.school_name else association
    )
    value = Branding(
        school_name=school,
        association_name=association,
        brand_color=settings.BRAND_COLOR,
        logo_url=root.logo.url if root and root.logo else "",
        cover_url=root.cover.url if root and root.cover else "",
        # Stored as sanitized HTML; the header shows it as plain text.
        introduction=unescape(strip_tags(root.introduction)).strip() if root else "",
    )
    cache.set(CACHE_KEY, value, 60)
    return value


def invalidate() -> None:
    cache.delete(CACHE_KEY)
