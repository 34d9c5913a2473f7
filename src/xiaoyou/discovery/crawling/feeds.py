"""RSS 2.0 and Atom 1.0 feeds (news sites, WeChat-article mirrors, company newsrooms).

RSS: `rss > channel > item` with `title`, `link`, `description`, `pubDate` (RFC 822 dates).
Atom: `feed > entry` with `title`, `link[@href]` (rel="alternate" or none), `summary` or
`content`, `published` or `updated` (RFC 3339). Anything else raises LayoutChanged.
"""

from __future__ import annotations

import html as html_module
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from xiaoyou.discovery.crawling.base import LayoutChanged

ATOM = "{http://www.w3.org/2005/Atom}"
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    summary: str
    published_at: datetime | None


def _text(value: str | None) -> str:
    return " ".join(html_module.unescape(_TAGS.sub(" ", value or "")).split())


def _rfc822(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _rfc3339(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def parse_feed(text: str) -> list[FeedEntry]:
    try:
        # ElementTree resolves no external entities, and the bundled expat (>= 2.4.1) refuses
        # entity-expansion bombs; feeds come from configured sites only.
        root = ElementTree.fromstring(text.encode("utf-8"))  # noqa: S314
    except ElementTree.ParseError as exc:
        raise LayoutChanged(f"not XML: {exc}") from exc
    if root.tag == "rss":
        entries = []
        for item in root.iterfind("channel/item"):
            entries.append(
                FeedEntry(
                    title=_text(item.findtext("title")),
                    url=(item.findtext("link") or "").strip(),
                    summary=_text(item.findtext("description")),
                    published_at=_rfc822(item.findtext("pubDate")),
                )
            )
        return entries
    if root.tag == f"{ATOM}feed":
        entries = []
        for entry in root.iterfind(f"{ATOM}entry"):
            link = next(
                (
                    node.get("href", "")
                    for node in entry.iterfind(f"{ATOM}link")
                    if node.get("rel", "alternate") == "alternate"
                ),
                "",
            )
            entries.append(
                FeedEntry(
                    title=_text(entry.findtext(f"{ATOM}title")),
                    url=link,
                    summary=_text(
                        entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content")
                    ),
                    published_at=_rfc3339(
                        entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
                    ),
                )
            )
        return entries
    raise LayoutChanged(f"neither RSS nor Atom (root element {root.tag})")
