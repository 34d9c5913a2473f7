"""Share cards (分享卡片): what a link shows when forwarded in WeChat or another app.

Every shared hall page (an organization, an invitation) fills `{% block share %}` of
hall/base.html with components/share_card.html and a `ShareCard`: Open Graph meta tags for
every app, and inside WeChat's browser the JS-SDK calls that set WeChat's own card (WeChat
ignores Open Graph and reads the card only from wx.updateAppMessageShareData).

The JS-SDK script is the one asset Xiaoyou loads from outside: WeChat serves it from
res.wx.qq.com and its in-app browser only honours that copy, so it cannot be vendored. It is
loaded only when the visitor's browser is WeChat (User-Agent "MicroMessenger") and
WECHAT_APP_ID is configured; everywhere else every asset stays local.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from xiaoyou.organizations.models import Invitation, InvitationKind, Organization, Role

# The documented address of JS-SDK 1.6.0 (the version with updateAppMessageShareData).
WECHAT_JS_SDK_URL = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
DESCRIPTION_LENGTH = 60


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str
    image: str  # absolute URL (WeChat and Open Graph need one)
    url: str  # absolute URL of the shared page
    wechat: bool = False  # load the JS-SDK and set WeChat's card
    config_url: str = ""  # where the page asks for the wx.config() signature
    sdk_url: str = WECHAT_JS_SDK_URL


def is_wechat_browser(request: Any) -> bool:
    return "MicroMessenger" in request.META.get("HTTP_USER_AGENT", "")


def wechat_sharing_enabled(request: Any) -> bool:
    return bool(settings.WECHAT_APP_ID) and is_wechat_browser(request)


def _absolute(request: Any, url: str) -> str:
    return str(request.build_absolute_uri(url))


def share_card(
    request: Any, *, title: str, description: str = "", image: str = "", url: str | None = None
) -> ShareCard:
    """A card for the current page (or `url`); `image` falls back to the platform's picture."""
    from xiaoyou.core import branding

    brand = branding.current()
    text = Truncator(" ".join(strip_tags(description or "").split())).chars(DESCRIPTION_LENGTH)
    picture = image or brand.logo_url or static("img/share.png")
    return ShareCard(
        title=title,
        description=text or brand.association_name,
        image=_absolute(request, picture),
        url=_absolute(request, url or request.get_full_path()),
        wechat=wechat_sharing_enabled(request),
        config_url=reverse("hall:wechat_js_config"),
    )


def org_image(org: Organization) -> str:
    if org.logo:
        return str(org.logo.url)
    if org.cover:
        return str(org.cover.url)
    return ""


def org_share_card(request: Any, org: Organization, *, url: str | None = None) -> ShareCard:
    """An organization's card: its name, introduction (or joining requirements) and logo."""
    return share_card(
        request,
        title=org.name,
        description=org.introduction or org.joining_requirements,
        image=org_image(org),
        url=url,
    )


def invitation_share_card(request: Any, invitation: Invitation) -> ShareCard:
    org = invitation.org
    if invitation.kind == InvitationKind.JOIN:
        title = _("Join %(org)s") % {"org": org.name}
        description = org.introduction or org.joining_requirements
    else:
        title = _("%(org)s invites you to be its %(role)s") % {
            "org": org.name,
            "role": Role(invitation.role).label,
        }
        description = _("Open the link to accept the invitation.")
    return share_card(request, title=title, description=description, image=org_image(org))
