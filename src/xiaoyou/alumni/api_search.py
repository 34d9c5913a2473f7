"""API of the alumni search (多维度查询): GET /alumni/records?q=...&filters.

The operation is added to the Router that holds the other /alumni/records operations (one
path must have one view, or POST and GET would shadow each other), see `register`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from xiaoyou.alumni.selectors_search import (
    COUNT_CAP,
    MAX_PAGE_SIZE,
    SearchFilters,
    Sort,
    search_records,
)
from xiaoyou.alumni.selectors_search_custom import custom_filters_from_pairs
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.directory.staff import redact_for_staff


class SearchParams(Schema):
    q: str = Field("", max_length=100, description="Name, pinyin, initials, numbers, employer")
    department: int | None = Field(None, description="A college or department: its subtree")
    major: int | None = None
    class_name: str = Field("", max_length=50)
    degree_level: str = Field("", max_length=16)
    enrollment_year_min: int | None = Field(None, ge=1900, le=2100)
    enrollment_year_max: int | None = Field(None, ge=1900, le=2100)
    graduation_year_min: int | None = Field(None, ge=1900, le=2100)
    graduation_year_max: int | None = Field(None, ge=1900, le=2100)
    province: str = Field("", max_length=60)
    city: str = Field("", max_length=60)
    industry: str = Field("", max_length=60)
    tag: list[int] = Field(default_factory=list, description="Records with any of these tags")
    status: str = Field("", max_length=16)
    verification: str = Field("", max_length=16)
    key_alumnus: bool | None = None
    gender: str = Field("", max_length=8)
    custom: list[str] = Field(
        default_factory=list,
        description=(
            'Custom fields as "key:value", by type: text and URL contain the value; single '
            "choice is any of the values given for the key; multiple choice has any of them; "
            "number and date equal it. Different keys are ANDed."
        ),
    )
    custom_min: list[str] = Field(
        default_factory=list, description='Number or date (YYYY-MM-DD) fields: "key:lowest"'
    )
    custom_max: list[str] = Field(
        default_factory=list, description='Number or date (YYYY-MM-DD) fields: "key:highest"'
    )
    custom_all: list[str] = Field(
        default_factory=list,
        description='Multiple choice: "key:value" for each value the record must have',
    )
    sort: str = Field("", description="relevance, name, graduation_year, -graduation_year, ...")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class RecordHit(Schema):
    id: int
    name: str
    student_id: str
    department: str = ""
    major: str = ""
    degree_level: str
    enrollment_year: int | None = None
    graduation_year: int | None = None
    phone_masked: str = ""
    employer: str
    city: str
    verification: str
    is_key_alumnus: bool


class SearchPage(Schema):
    count: int = Field(..., description=f"Exact up to {COUNT_CAP}; see count_capped")
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[RecordHit]


def record_search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    custom_filters, errors = custom_filters_from_pairs(
        values=params.custom,
        minimums=params.custom_min,
        maximums=params.custom_max,
        every=params.custom_all,
    )
    if errors:
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": message, "type": "value_error"}
                for name, message in sorted(errors.items())
            ]
        )
    filters = SearchFilters(
        department=params.department,
        major=params.major,
        class_name=params.class_name,
        degree_level=params.degree_level,
        enrollment_year_min=params.enrollment_year_min,
        enrollment_year_max=params.enrollment_year_max,
        graduation_year_min=params.graduation_year_min,
        graduation_year_max=params.graduation_year_max,
        province=params.province,
        city=params.city,
        industry=params.industry,
        tags=params.tag,
        status=params.status,
        verification=params.verification,
        is_key_alumnus=params.key_alumnus,
        gender=params.gender,
        custom_filters=custom_filters,
    )
    result = search_records(
        user=user,
        text=params.q,
        filters=filters,
        sort=params.sort if params.sort in Sort.CHOICES else "",
        page=params.page,
        page_size=params.page_size,
    )
    return {
        "count": result.total,
        "count_capped": result.total_capped,
        "page": result.page,
        "page_size": result.page_size,
        "has_next": result.has_next,
        "items": [
            {
                "id": record.pk,
                "name": record.name,
                "student_id": record.student_id,
                "department": record.department.name if record.department else "",
                "major": record.major.name if record.major else "",
                "degree_level": record.degree_level,
                "enrollment_year": record.enrollment_year,
                "graduation_year": record.graduation_year,
                "phone_masked": masked(record.phone, "phone"),
                "employer": record.employer,
                "city": record.city,
                "verification": record.verification,
                "is_key_alumnus": record.is_key_alumnus,
            }
            # Privacy settings (xiaoyou.directory): hidden fields are blank; a bulk read.
            for record in redact_for_staff(user, list(result.records), export=True)
        ],
    }


def register(parent: Router) -> None:
    """Adds GET /alumni/records to the router of the record endpoints (or `parent`)."""
    try:
        from xiaoyou.alumni import api_records
    except ImportError:  # the record endpoints are not there: the operation stands alone
        target = parent
    else:
        target = api_records.router
    target.add_api_operation(
        "/alumni/records",
        ["GET"],
        record_search,
        response=SearchPage,
        summary="Search alumni records (name, pinyin, initials, numbers; filters)",
        tags=["alumni search"],
    )
