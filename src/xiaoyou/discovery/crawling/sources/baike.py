"""Baidu Baike (baike.baidu.com): the school's entry lists 知名校友, each links to a person entry.

School entry `/item/<name>`: a section headed "知名校友" (an `h2` inside a `div.para-title`
wrapper in the classic layout, `div[class*=paraTitle]` in the 2023 layout) followed by tables or
lists of `a[href^="/item/"]` links.
Person entry: the title `h1`; the basic-info box `div.basic-info` (classic) or
`div[class*=basicInfo]` (2023), pairs of `dt` (name) and `dd` (value) such as 毕业院校 and 职务;
the summary `div.lemma-summary` / `div[class*=lemmaSummary]` and its picture; the sections
"教育经历", "人物经历" or "人物履历" whose paragraphs (`div.para`) tell the education.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote

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

INFO_BOX = "div.basic-info, div[class*='basicInfo']"
SUMMARY = "div.lemma-summary, div[class*='lemmaSummary']"
PICTURE = "div.summary-pic img, div[class*='abstractAlbum'] img, div[class*='summaryPic'] img"
EDUCATION_SECTIONS = ("教育经历", "人物经历", "人物履历", "个人经历", "早年经历")


class BaikeSource(CrawlSource):
    key = "baike"
    label = _("Baidu Baike")
    default_base_url = "https://baike.baidu.com"

    def start(self, school: School) -> Iterable[Request]:
        return [
            Request(f"{self.base_url()}/item/{quote(name)}", kind="list")
            for name in school.names[:1]
        ]

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        tree = html.parse(page.text)
        if page.request.kind == "list":
            section = html.section_after(tree, ("知名校友", "杰出校友", "著名校友"))
            if section is None:
                raise LayoutChanged("school entry without a 知名校友 section")
            for href, _text in html.links_in(section, "/item/"):
                yield FollowLink(Request(html.absolute(page.url, href), kind="person"))
            return
        person = self._person(tree, page, school)
        if person is not None:
            yield person

    def _person(self, tree: html.HTMLParser, page: Page, school: School) -> PersonFound | None:
        heading = tree.css_first("h1")
        box = tree.css_first(INFO_BOX)
        if heading is None or box is None:
            raise LayoutChanged("person entry without h1 or basic-info box")
        info: dict[str, str] = {}
        for term in box.css("dt"):
            value = term.next
            while value is not None and value.tag != "dd":
                value = value.next
            if value is not None:
                info[html.text_of(term).replace(" ", "").replace("\u00a0", "")] = html.text_of(
                    value
                )
        summary = html.text_of(tree.css_first(SUMMARY))
        picture = tree.css_first(PICTURE)
        photo = html.absolute(page.url, picture.attributes.get("src") or "") if picture else ""
        evidence, confidence = "", 0
        graduated = info.get("毕业院校", "")
        if school.mentioned_in(graduated):
            evidence, confidence = f"毕业院校：{graduated}", 85
        section = html.section_after(tree, EDUCATION_SECTIONS) or []
        section_text = "\n".join(html.text_of(node) for node in section)
        sentence = school_sentence(f"{section_text}\n{summary}", school.names)
        if sentence:
            if not evidence:
                confidence = 75 if any(w in sentence for w in ("毕业", "就读", "考入")) else 50
                evidence = sentence
            else:
                evidence = f"{evidence}\n{sentence}"
        if not evidence:
            return None
        school_name = school.mentioned_in(evidence) or ""
        study = study_details(sentence or evidence, school_name)
        title = info.get("职务") or info.get("职业") or ""
        return PersonFound(
            external_key=page.url,
            name=html.text_of(heading),
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
