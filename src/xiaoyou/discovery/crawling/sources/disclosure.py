"""Listed companies' annual reports (年度报告), as the exchanges and CNINFO publish them.

List page: `ul.report-list > li > a` links to one report per company and year.
Report page: the cover line "证券代码：600001 证券简称：华源集团" and the title `h1`
("华源集团股份有限公司2023年年度报告"); in 第四节 公司治理, the table of directors, supervisors
and senior managers (`table` whose header row has 姓名 and 职务), then the 主要工作经历
paragraphs, one per person, each opening with the name and 先生/女士 ("孙伟先生：1968年出生，
……1990年毕业于示范大学经济系……"). A person whose paragraph names the school is an alumnus of
the company.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from xiaoyou.discovery.crawling import html
from xiaoyou.discovery.crawling.base import (
    CrawlSource,
    EnterpriseFound,
    ExecutiveFound,
    FollowLink,
    Found,
    LayoutChanged,
    Page,
    Request,
    School,
)
from xiaoyou.discovery.crawling.text import school_sentence, study_details

_STOCK_CODE = re.compile(r"证券代码[:：]\s*(\d{6})")
_TITLE_TAIL = re.compile(r"\d{4}\s*年\s*(?:年度|半年度)报告.*$")


class DisclosureSource(CrawlSource):
    key = "disclosure"
    label = _("Listed companies' annual reports")
    default_base_url = "https://www.cninfo.com.cn"

    def start(self, school: School) -> Iterable[Request]:
        return [Request(f"{self.base_url()}/annual-reports/", kind="list")]

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        tree = html.parse(page.text)
        if page.request.kind == "list":
            anchors = tree.css("ul.report-list li a")
            if not anchors:
                raise LayoutChanged("report list without ul.report-list")
            for anchor in anchors:
                href = anchor.attributes.get("href") or ""
                if href:
                    yield FollowLink(Request(html.absolute(page.url, href), kind="report"))
            return
        roles: dict[str, str] = {}
        for table in tree.css("table"):
            rows = table.css("tr")
            if not rows:
                continue
            header = [html.text_of(cell) for cell in rows[0].css("th, td")]
            if "姓名" in header and "职务" in header:
                name_at, role_at = header.index("姓名"), header.index("职务")
                for row in rows[1:]:
                    cells = [html.text_of(cell) for cell in row.css("td")]
                    if len(cells) > max(name_at, role_at) and cells[name_at]:
                        roles.setdefault(cells[name_at], cells[role_at])
        heading = tree.css_first("h1")
        if not roles or heading is None:
            raise LayoutChanged("report without h1 or the executives' table (姓名, 职务)")
        company = _TITLE_TAIL.sub("", html.text_of(heading)).strip()
        code = _STOCK_CODE.search(tree.text() or "")
        found = EnterpriseFound(
            name=company, stock_code=code.group(1) if code else "", source_url=page.url
        )
        for paragraph in tree.css("p"):
            text = html.text_of(paragraph)
            name = next((n for n in roles if text.startswith((n + "先生", n + "女士"))), None)
            if name is None:
                continue
            sentence = school_sentence(text, school.names)
            if not sentence:
                continue
            study = study_details(sentence, school.mentioned_in(sentence) or "")
            found.people.append(
                ExecutiveFound(
                    name=name,
                    role=roles[name],
                    evidence=sentence,
                    enrollment_year=study.enrollment_year,
                    graduation_year=study.graduation_year,
                    department=study.department,
                )
            )
        if found.people:
            yield found
