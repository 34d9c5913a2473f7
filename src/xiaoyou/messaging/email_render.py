"""Rendering campaign mail: personalization without a template engine, tracked links, the
layout shell, the plain-text part.

Staff write bodies with variables such as {{ name }}; they are replaced by simple substitution of
a fixed set of names (never Django template tags: a body cannot reach settings, objects or
loops), HTML-escaped in the HTML part. Unknown variables render empty. Bodies are sanitized
with nh3 when saved (an email allowlist: tables, inline styles, images, links).

A campaign is compiled once (`compile_campaign`): tracked links become numbered placeholders
and the shell is applied, so rendering one recipient is a single regular-expression pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import nh3
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VARIABLES: dict[str, Any] = {
    "name": _("Name"),
    "class_year": _("Class (year of enrollment)"),
    "college": _("College"),
    "org": _("Organization"),
    "email": _("Email"),
    "event": _("Event"),
    "project": _("Donation project"),
}
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
_HREF = re.compile(r"""href\s*=\s*(["'])(https?://[^"'\s<>]+)\1""", re.IGNORECASE)

_EMAIL_TAGS = {
    "a", "b", "blockquote", "br", "center", "div", "em", "font", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_COMMON_ATTRIBUTES = {"style", "align", "class", "dir", "title"}
_EMAIL_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON_ATTRIBUTES,
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height", "border"},
    "table": {"width", "cellpadding", "cellspacing", "border", "bgcolor", "role"},
    "td": {"width", "height", "valign", "bgcolor", "colspan", "rowspan"},
    "th": {"width", "valign", "bgcolor", "colspan", "rowspan"},
    "tr": {"valign", "bgcolor"},
    "font": {"color", "face", "size"},
}


def sanitize_body(html: str) -> str:
    """The body without scripts, event handlers or javascript: URLs (kept: layout markup)."""
    return nh3.clean(
        html or "",
        tags=_EMAIL_TAGS,
        attributes=_EMAIL_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """A readable plain-text version of an HTML body (for a missing plain-text part)."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html or "")
    text = re.sub(r"""(?is)<a\b[^>]*href=(["'])(.*?)\1[^>]*>(.*?)</a>""", r"\3 (\2)", text)
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</(p|div|h[1-6]|li|tr|table)>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = unescape(text)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def substitute(source: str, values: Mapping[str, str], *, html: bool) -> str:
    """Replaces {{ variable }} by its value (escaped when `html`); unknown ones by nothing."""

    def value(match: re.Match[str]) -> str:
        found = values.get(match.group(1), "")
        return escape(found) if html else found

    return _VARIABLE.sub(value, source or "")


def extract_links(body_html: str) -> list[str]:
    """The distinct http(s) links of a body, in order: the only targets of tracked clicks."""
    links: list[str] = []
    for match in _HREF.finditer(body_html or ""):
        url = unescape(match.group(2))
        if "{{" not in url and url not in links:
            links.append(url)
    return links


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class CompiledCampaign:
    """A campaign's subject and parts with placeholders for the per-recipient values:
    {{ __link_N }} (tracked link N), {{ __pixel }} and {{ __unsubscribe }}."""

    subject: str
    html: str
    text: str
    links: tuple[str, ...]


_SHELL = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#F5F5F5;-webkit-text-size-adjust:100%;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#F5F5F5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#FFFFFF;border:1px solid #E5E5E5;border-radius:4px;">
<tr><td style="height:4px;background:#C8102E;border-radius:4px 4px 0 0;font-size:0;line-height:0;">&nbsp;</td></tr>
<tr><td style="padding:28px 28px 32px;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;font-size:16px;line-height:1.7;color:#111111;">
{content}
</td></tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;">
<tr><td style="padding:16px 28px;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:12px;line-height:1.6;color:#9E9E9E;text-align:center;">
{footer} <a href="{{{{ __unsubscribe }}}}" style="color:#616161;text-decoration:underline;">{unsubscribe}</a>
</td></tr></table>
</td></tr></table>{{{{ __pixel }}}}
</body></html>
"""


def compile_campaign(
    *,
    subject: str,
    body_html: str,
    body_text: str,
    org_name: str,
    links: list[str] | None,
    track_clicks: bool,
) -> CompiledCampaign:
    """Prepares a campaign for fast per-recipient rendering (see the module docstring)."""
    tracked = list(links or []) if track_clicks else []
    index = {url: number for number, url in enumerate(tracked)}

    def rewrite(match: re.Match[str]) -> str:
        url = unescape(match.group(2))
        if url in index:
            return f"href={match.group(1)}{{{{ __link_{index[url]} }}}}{match.group(1)}"
        return match.group(0)

    content = _HREF.sub(rewrite, body_html or "")
    with translation.override(settings.LANGUAGE_CODE):
        footer = gettext("You receive this email from %(org)s.") % {"org": escape(org_name)}
        unsubscribe = gettext("Unsubscribe")
        html = _SHELL.format(
            lang="zh-CN" if settings.LANGUAGE_CODE.startswith("zh") else settings.LANGUAGE_CODE,
            title=escape(subject),
            content=content,
            footer=footer,
            unsubscribe=escape(unsubscribe),
        )
        text = (body_text or html_to_text(body_html)).rstrip()
        text += "\n\n--\n" + gettext("You receive this email from %(org)s.") % {"org": org_name}
        text += "\n" + unsubscribe + ": {{ __unsubscribe }}\n"
    return CompiledCampaign(subject=subject, html=html, text=text, links=tuple(tracked))


def render_compiled(
    compiled: CompiledCampaign,
    context: Mapping[str, str],
    *,
    link_urls: list[str] | None = None,
    pixel_url: str = "",
    unsubscribe_url: str = "",
) -> Rendered:
    """One recipient's message. `link_urls[N]` is what placeholder N becomes (the tracked URL,
    or the original link for a preview); without a pixel URL there is no image."""
    values = dict(context)
    urls = link_urls if link_urls is not None else list(compiled.links)
    for number, url in enumerate(urls):
        values[f"__link_{number}"] = url
    values["__unsubscribe"] = unsubscribe_url or "#"
    subject = substitute(compiled.subject, values, html=False).replace("\n", " ")
    html = substitute(compiled.html, values, html=True)
    if pixel_url:
        pixel = (
            f'<img src="{escape(pixel_url)}" width="1" height="1" alt="" '
            'style="display:block;width:1px;height:1px;border:0;">'
        )
        html = html.replace("</body>", pixel + "\n</body>", 1)
    text = substitute(compiled.text, values, html=False)
    return Rendered(subject=subject, html=html, text=text)
