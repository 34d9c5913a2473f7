"""The built-in crawl sources, registered by DiscoveryConfig.ready()."""

from __future__ import annotations

from xiaoyou.discovery.crawling.base import register_source


def register() -> None:
    from xiaoyou.discovery.crawling.sources.baike import BaikeSource
    from xiaoyou.discovery.crawling.sources.disclosure import DisclosureSource
    from xiaoyou.discovery.crawling.sources.government import GovernmentSource
    from xiaoyou.discovery.crawling.sources.wikidata import WikidataSource
    from xiaoyou.discovery.crawling.sources.wikipedia import WikipediaSource

    for source in (
        WikidataSource(),
        WikipediaSource(),
        BaikeSource(),
        GovernmentSource(),
        DisclosureSource(),
    ):
        register_source(source)
