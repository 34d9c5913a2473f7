"""Console pages of discovery, included under /console/discovery/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.discovery.views import console

urlpatterns = [
    path("crawls/", console.crawl_list, name="discovery_crawls"),
    path("crawls/<int:pk>/", console.crawl_detail, name="discovery_crawl"),
    path("candidates/", console.candidate_list, name="discovery_candidates"),
    path("candidates/<int:pk>/", console.candidate_detail, name="discovery_candidate"),
    path("candidates/<int:pk>/decide", console.candidate_decide, name="discovery_candidate_decide"),
    path("notables/", console.notable_list, name="discovery_notables"),
    path("enterprises/", console.enterprise_list, name="discovery_enterprises"),
    path("news/", console.news_digest, name="discovery_news"),
    path(
        "notables/<int:pk>/visibility",
        console.notable_visibility,
        name="discovery_notable_visibility",
    ),
]
