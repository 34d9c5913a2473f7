"""API of the alumni archive; each concept has its own module with a Router, mounted here."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["alumni"])


def _mount_subrouters() -> None:
    from xiaoyou.alumni import api_identity

    router.add_router("", api_identity.router)
    from xiaoyou.alumni import api_search

    api_search.register(router)
    from xiaoyou.alumni import api_records

    router.add_router("", api_records.router)
    from xiaoyou.alumni import api_stats

    router.add_router("", api_stats.router)
    from xiaoyou.alumni import api_campaigns

    router.add_router("", api_campaigns.router)
    from xiaoyou.alumni import api_duplicates

    router.add_router("", api_duplicates.router)


_mount_subrouters()
