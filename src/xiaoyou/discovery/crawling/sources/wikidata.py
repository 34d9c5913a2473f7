"""Wikidata: people whose "educated at" (P69) is the school's item, through the SPARQL endpoint.

The query service answers `GET /sparql?query=...&format=json` with the SPARQL 1.1 JSON results
format: {"head": {"vars": [...]}, "results": {"bindings": [{var: {"type", "value"}}]}}.
Start and end of the study are the P580/P582 qualifiers of the P69 statement, the major P812.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from xiaoyou.discovery.crawling.base import (
    CrawlSource,
    Found,
    LayoutChanged,
    Page,
    PersonFound,
    Request,
    School,
)
from xiaoyou.discovery.crawling.text import classify_field

QUERY = """SELECT ?person ?personLabel ?personDescription ?image ?start ?end ?majorLabel ?article
WHERE {
  ?person p:P69 ?statement .
  ?statement ps:P69 wd:%(qid)s .
  OPTIONAL { ?statement pq:P580 ?start . }
  OPTIONAL { ?statement pq:P582 ?end . }
  OPTIONAL { ?statement pq:P812 ?major . }
  OPTIONAL { ?person wdt:P18 ?image . }
  OPTIONAL { ?article schema:about ?person ; schema:isPartOf <https://zh.wikipedia.org/> . }
  SERVICE wikibase:label { bd:serviceParam wikibase:language "zh-hans,zh,en" . }
}
LIMIT 2000"""


def _value(binding: dict, name: str) -> str:
    item = binding.get(name)
    return str(item.get("value", "")) if isinstance(item, dict) else ""


def _year(value: str) -> int | None:
    # xsd:dateTime such as "1985-09-01T00:00:00Z"
    head = value[:4]
    return int(head) if head.isdigit() else None


class WikidataSource(CrawlSource):
    key = "wikidata"
    label = _("Wikidata")
    default_base_url = "https://query.wikidata.org"

    def start(self, school: School) -> Iterable[Request]:
        if not school.wikidata_qid:
            return []
        query = QUERY % {"qid": school.wikidata_qid}
        url = f"{self.base_url()}/sparql?{urlencode({'query': query, 'format': 'json'})}"
        return [Request(url, kind="sparql")]

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        try:
            bindings = page.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise LayoutChanged(f"not SPARQL JSON results: {exc}") from exc
        school_name = school.names[0] if school.names else school.wikidata_qid
        for binding in bindings:
            entity = _value(binding, "person")
            name = _value(binding, "personLabel")
            qid = entity.rsplit("/", 1)[-1]
            if not qid or not name or name == qid:
                continue  # no label in our languages: nothing a person could review
            start, end = _year(_value(binding, "start")), _year(_value(binding, "end"))
            major = _value(binding, "majorLabel")
            span = f" ({start or '?'}–{end or '?'})" if start or end else ""
            description = _value(binding, "personDescription")
            evidence = f"Wikidata {qid}: educated at (P69) {school_name}{span}"
            if major:
                evidence += f", major (P812) {major}"
            yield PersonFound(
                external_key=qid,
                name=name,
                source_url=_value(binding, "article") or entity,
                evidence=evidence,
                confidence=90,
                photo_url=_value(binding, "image"),
                title=description[:200],
                summary=description,
                enrollment_year=start,
                graduation_year=end,
                department=major[:100],
                field=classify_field(description),
            )
