"""A paginator whose count stops at a cap: a search matching most of a large table needs its
first page and "1,000+", not an exact COUNT(*) over every match (the count would cost more than
the page). Pages end at the cap; the page shows a hint to narrow the search when it is reached.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _capped_count(self) -> int:
        # COUNT over "the first cap + 1 ids": the database stops after cap + 1 matches.
        queryset: Any = self.object_list
        return queryset.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._capped_count, self.cap)

    @property
    def is_capped(self) -> bool:
        """More matches exist than the pages reach."""
        return self._capped_count > self.cap
