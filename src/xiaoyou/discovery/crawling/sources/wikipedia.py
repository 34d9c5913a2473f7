"""Chinese Wikipedia (zh.wikipedia.org): the school's alumni category, then each person's page.

Category page: `div#mw-pages` holds `div.mw-category-group > ul > li > a` links to the members.
Person page: `h1#firstHeading` (the title in `span.mw-page-title-main`), the infobox
`table.infobox` with `th.infobox-label` / `td.infobox-data` rows (母校, 职业, 职务...) and its
first image, the article text in `div.mw-parser-output > p`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

from django.utils.translation import gettext_lazy as _

from xiaoyou.discovery.crawling import html
from xiaoyou.discovery.crawling.base import (
    CrawlSource,
    FollowLink,
    Found,
    LayoutChanged,
    Page,
    PersonFound,
    Request,
    School,
)
from xiaoyou.discovery.crawling.text import (
    classify_field,
    school_sentence,
    squash,
    study_details,
)

EDUCATION_LABELS = ("母校", "毕业院校", "教育程度", "学历", "教育背景")
TITLE_LABELS = ("职务", "现任", "职业", "职位", "头衔")


class WikipediaSource(CrawlSource):
    key = "wikipedia"
    label = _("Chinese Wikipedia")
    default_base_url = "https://zh.wikipedia.org"

    def start(self, school: School) -> Iterable[Request]:
        return [
            Request(f"{self.base_url()}/wiki/{quote('Category:' + name + '校友')}", kind="list")
            for name in school.names[:1]
        ]

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        if page.request.kind == "list":
            yield from self._category(page)
        else:
            person = self._person(page, school)
            if person is not None:
                yield person

    def _category(self, page: Page) -> Iterator[Found]:
        tree = html.parse(page.text)
        container = tree.css_first("#mw-pages")
        if container is None:
            raise LayoutChanged("category page without #mw-pages")
        for anchor in container.css(".mw-category-group li a, .mw-category li a"):
            href = anchor.attributes.get("href") or ""
            if href.startswith("/wiki/") and ":" not in unquote(href[6:]):
                yield FollowLink(Request(html.absolute(page.url, href), kind="person"))

    def _person(self, page: Page, school: School) -> PersonFound | None:
        tree = html.parse(page.text)
        heading = tree.css_first("#firstHeading .mw-page-title-main") or tree.css_first(
            "h1#firstHeading"
        )
        body = tree.css_first(".mw-parser-output")
        if heading is None or body is None:
            raise LayoutChanged("person page without #firstHeading or .mw-parser-output")
        name = html.text_of(heading)
        infobox: dict[str, str] = {}
        box = body.css_first("table.infobox")
        photo = ""
        if box is not None:
            for row in box.css("tr"):
                header, data = row.css_first("th"), row.css_first("td")
                if header is not None and data is not None:
                    infobox[html.text_of(header)] = html.text_of(data)
            image = box.css_first("img")
            if image is not None and image.attributes.get("src"):
                photo = html.absolute(page.url, image.attributes["src"] or "")
        paragraphs = [
            html.text_of(node)
            for node in body.css("p")
            if html.text_of(node) and node.parent is not None and node.parent.tag != "td"
        ]
        summary = paragraphs[0] if paragraphs else ""
        confidence = 0
        evidence = ""
        for label in EDUCATION_LABELS:
            value = infobox.get(label, "")
            if school.mentioned_in(value):
                evidence, confidence = f"{label}：{value}", 85
                break
        text_evidence = school_sentence("\n".join(paragraphs), school.names)
        if text_evidence:
            if not evidence:
                confidence = 75 if any(w in text_evidence for w in ("毕业", "就读", "考入")) else 50
                evidence = text_evidence
            else:
                evidence = f"{evidence}\n{text_evidence}"
        if not evidence:
            return None
        school_name = school.mentioned_in(evidence) or ""
        study = study_details(text_evidence or evidence, school_name)
        title = next((infobox[label] for label in TITLE_LABELS if infobox.get(label)), "")
        return PersonFound(
            external_key=page.url,
            name=name,
            source_url=page.url,
            evidence=squash(evidence)[:1000],
            confidence=confidence,
            photo_url=photo,
            title=title[:200],
            summary=summary[:2000],
            enrollment_year=study.enrollment_year,
            graduation_year=study.graduation_year,
            department=study.department,
            field=classify_field(title, summary),
        )
