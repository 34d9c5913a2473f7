"""One page envelope for every list: {"items", "count", "page", "page_size"}."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Items per page (at most 100).")


class PageNumber(PaginationBase):
    Input = PageParams  # type: ignore[assignment]  # ninja reads the class; its name shows in the schema

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: PageParams, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


class CappedPageNumber(PageNumber):
    """The same envelope for a search that may match most of a large table: `count` is exact up
    to COUNT_CAP (1,000) and `count_capped` tells that more match (the pages end there)."""

    class Output(Schema):
        items: list[Any]
        count: int
        count_capped: bool
        page: int
        page_size: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: PageParams, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        from xiaoyou.core import paginator

        cap = paginator.COUNT_CAP
        offset = min((pagination.page - 1) * pagination.page_size, cap)
        limit = min(pagination.page_size, cap - offset)
        total = queryset.order_by().values("pk")[: cap + 1].count()
        return {
            "items": list(queryset[offset : offset + limit]) if limit > 0 else [],
            "count": min(total, cap),
            "count_capped": total > cap,
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
