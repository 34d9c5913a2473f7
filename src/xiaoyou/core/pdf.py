"""PDF documents (receipts, certificates, badges) from HTML, with WeasyPrint and the CJK fonts
of Debian's fonts-noto-cjk. Everything a document shows is embedded as data: URIs: no URL is
ever fetched while rendering (no SSRF through a crafted name or image link)."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]
