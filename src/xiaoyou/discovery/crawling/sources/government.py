"""Government leader profiles (领导简历 / 官员简历) on government portals.

List page (领导之窗): `ul.leader-list > li` (or any `a[href]` inside `div.leaders`) linking to
one page per leader, with the post next to the name.
Profile page: the name in `h1` (or `div.leader-name`), the post in `p.post` / `div.leader-post`,
a photo `div.leader-photo img`, and the résumé (简历) as plain text in `div.resume`
(`div.TRS_Editor` on TRS-built portals, `div#jl` elsewhere). Two résumé formats are common:
lines of year ranges ("1981.09-1985.07 示范大学计算机系学习"), and a narrative paragraph
("1963年10月生……1985年毕业于示范大学计算机系").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

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
from xiaoyou.discovery.crawling.text import STUDY_WORDS, school_sentence, squash, study_details
from xiaoyou.discovery.models import Field

RESUME = "div.resume, div.TRS_Editor, div#jl, div.jl"
_LINE_RANGE = re.compile(r"^\s*(?:19|20)\d{2}\s*[.．年]")


class GovernmentSource(CrawlSource):
    key = "government"
    label = _("Government leader profiles")
    default_base_url = "https://www.gov.cn"

    def start(self, school: School) -> Iterable[Request]:
        return [Request(f"{self.base_url()}/leaders/", kind="list")]

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        tree = html.parse(page.text)
        if page.request.kind == "list":
            anchors = tree.css("ul.leader-list li a, div.leaders a")
            if not anchors:
                raise LayoutChanged("leader list without ul.leader-list or div.leaders")
            for anchor in anchors:
                href = anchor.attributes.get("href") or ""
                if href and not href.startswith(("#", "javascript:")):
                    yield FollowLink(Request(html.absolute(page.url, href), kind="person"))
            return
        person = self._person(tree, page, school)
        if person is not None:
            yield person

    def _person(self, tree: html.HTMLParser, page: Page, school: School) -> PersonFound | None:
        resume = tree.css_first(RESUME)
        heading = tree.css_first("div.leader-name, h1")
        if resume is None or heading is None:
            raise LayoutChanged("profile page without a résumé block (div.resume, TRS_Editor)")
        lines = [squash(line) for line in resume.text(separator="\n").splitlines()]
        lines = [line for line in lines if line]
        evidence, confidence = "", 0
        for line in lines:
            if (
                _LINE_RANGE.match(line)
                and school.mentioned_in(line)
                and any(word in line for word in STUDY_WORDS)
            ):
                evidence, confidence = line, 85
                break
        if not evidence:
            # A narrative résumé: one paragraph, many sentences.
            evidence = school_sentence("\n".join(lines), school.names)
            confidence = 75 if evidence else 0
        if not evidence:
            return None
        study = study_details(evidence, school.mentioned_in(evidence) or "")
        post = html.text_of(tree.css_first("p.post, div.leader-post"))
        picture = tree.css_first("div.leader-photo img")
        return PersonFound(
            external_key=page.url,
            name=html.text_of(heading),
            source_url=page.url,
            evidence=evidence[:1000],
            confidence=confidence,
            photo_url=html.absolute(page.url, picture.attributes.get("src") or "")
            if picture
            else "",
            title=post[:200],
            summary=" ".join(lines[:2])[:2000],
            enrollment_year=study.enrollment_year,
            graduation_year=study.graduation_year,
            department=study.department,
            field=str(Field.GOVERNMENT),
        )
