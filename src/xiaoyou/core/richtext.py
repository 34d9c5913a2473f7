"""Rich text typed by staff (introductions, articles): sanitized with nh3 before it is stored.

`sanitize(html)` keeps an allowlist of formatting tags and attributes; everything else goes:
<script>/<style> with their content, event handlers (on*), style attributes, javascript: and
data: URLs. Links get rel="noopener noreferrer", so a page opened from a link cannot reach
back into ours through window.opener. The result is safe to render with |safe.
"""

from __future__ import annotations

from html import unescape

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
# Removed together with their content (the text of a script is not prose).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "iframe", "object", "embed"})
LINK_REL = "noopener noreferrer"


def sanitize(html: str) -> str:
    """The HTML fragment reduced to the allowlist; empty when nothing readable is left."""
    if not html or not html.strip():
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()
    # An editor leaves "<p><br></p>" behind when everything was deleted.
    if not plain_text(cleaned) and "<img" not in cleaned:
        return ""
    return cleaned


def plain_text(html: str) -> str:
    """The text of a fragment without any markup (share cards, search, summaries)."""
    text = nh3.clean(html or "", tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))
    return " ".join(unescape(text).split())
