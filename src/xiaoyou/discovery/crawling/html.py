"""Small selectolax helpers shared by the HTML sources."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

HEADINGS = ("h1", "h2", "h3")


def parse(text: str) -> HTMLParser:
    return HTMLParser(text)


def text_of(node: Node | None) -> str:
    if node is None:
        return ""
    return " ".join((node.text(separator=" ") or "").split())


def absolute(base: str, href: str) -> str:
    if href.startswith("//"):
        return "https:" + href
    return urljoin(base, href)


def _section_container(heading: Node) -> Node:
    # Baike and MediaWiki wrap a heading in a div (para-title, mw-heading): siblings of that
    # wrapper are the section's content.
    parent = heading.parent
    if parent is not None and parent.tag == "div" and len(parent.css("h1, h2, h3")) == 1:
        return parent
    return heading


def _is_heading(node: Node) -> bool:
    if node.tag in HEADINGS:
        return True
    return node.tag == "div" and bool(node.css_first("h1, h2"))


def section_after(tree: HTMLParser, titles: tuple[str, ...]) -> list[Node] | None:
    """The nodes after the first h2/h3 whose text contains one of `titles`, up to the next
    heading of the page; None when no such heading exists."""
    for heading in tree.css("h2, h3"):
        label = text_of(heading)
        if any(title in label for title in titles):
            nodes: list[Node] = []
            node = _section_container(heading).next
            while node is not None:
                if node.tag != "-text" and _is_heading(node):
                    break
                if node.tag != "-text":
                    nodes.append(node)
                node = node.next
            return nodes
    return None


def links_in(nodes: list[Node], prefix: str) -> Iterator[tuple[str, str]]:
    for node in nodes:
        candidates = [node] if node.tag == "a" else node.css("a")
        for anchor in candidates:
            href = anchor.attributes.get("href") or ""
            if href.startswith(prefix):
                yield href, text_of(anchor)
