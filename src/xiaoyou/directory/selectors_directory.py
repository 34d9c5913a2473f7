"""Reads of the hall directory (校友录): the listed alumni, "find alumni", "near me",
per-organization address books and the business cards, each filtered by the visibility rule of
`selectors` (a filter on a private field only finds records whose field the viewer may see)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from xiaoyou.alumni.models import AlumniRecord, VerificationState
from xiaoyou.directory.models import PRIVATE_FIELDS, CardExchange, CardStatus
from xiaoyou.directory.selectors import (
    Viewer,
    school_defaults,
    visible_fields_bulk,
    visible_q,
)


def directory_records() -> QuerySet[AlumniRecord]:
    """校友录: verified alumni with an active account (live, not merged records)."""
    return AlumniRecord.objects.filter(
        deleted_at__isnull=True,
        merged_into__isnull=True,
        user__isnull=False,
        user__is_active=True,
        verification=VerificationState.VERIFIED,
    ).select_related("department", "major")


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""  # name, former name, pinyin or initials
    class_name: str = ""
    year: int | None = None  # of enrollment or graduation
    major: str = ""
    city: str = ""
    employer: str = ""
    industry: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.text,
                self.class_name,
                self.year,
                self.major,
                self.city,
                self.employer,
                self.industry,
            )
        )


def find_alumni(viewer: Viewer, filters: DirectoryFilters) -> QuerySet[AlumniRecord]:
    """找校友: the directory filtered by name, class, year, major and, through the visibility
    rule, city, employer and industry; ordered by year of graduation and name."""
    queryset = directory_records()
    text = filters.text.strip()
    if text:
        lowered = text.lower().replace(" ", "")
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(former_name__icontains=text)
            | Q(name_pinyin__startswith=lowered)
            | Q(name_initials__startswith=lowered)
        )
    if filters.class_name:
        queryset = queryset.filter(class_name__icontains=filters.class_name.strip())
    if filters.year:
        queryset = queryset.filter(
            Q(enrollment_year=filters.year) | Q(graduation_year=filters.year)
        )
    if filters.major:
        queryset = queryset.filter(major__name__icontains=filters.major.strip())
    defaults = school_defaults()
    for name in ("city", "employer", "industry"):
        value = getattr(filters, name).strip()
        if value:
            queryset = queryset.filter(
                Q(**{f"{name}__icontains": value}) & visible_q(viewer, name, defaults)
            )
    return queryset.order_by("-graduation_year", "name", "pk")


def near_me(viewer: Viewer, city: str) -> QuerySet[AlumniRecord]:
    """同城校友: listed alumni whose (visible) city is `city`, the viewer left out."""
    city = city.strip()
    if not city:
        return directory_records().none()
    queryset = directory_records().filter(
        Q(city__iexact=city) & visible_q(viewer, "city", school_defaults())
    )
    if viewer.user_id:
        queryset = queryset.exclude(user_id=viewer.user_id)
    return queryset.order_by("-graduation_year", "name", "pk")


def address_book(org: Any) -> QuerySet[AlumniRecord]:
    """通讯录 of an organization: listed alumni with an active membership of it."""
    from xiaoyou.organizations.models import Membership, MembershipStatus

    members = Membership.objects.filter(
        org=org, status=MembershipStatus.ACTIVE, user__isnull=False
    ).values("user_id")
    return directory_records().filter(user_id__in=members).order_by("name", "pk")


def may_read_address_book(user: Any, org: Any) -> bool:
    """An organization's address book is for its members and its admins."""
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role
    from xiaoyou.organizations.selectors_membership import is_member

    if not getattr(user, "is_authenticated", False) or not org.is_active:
        return False
    return is_member(user, org) or has_role(user, org, Role.ADMIN)


@dataclass
class Entry:
    """One alumnus as a viewer sees them: basic public info plus the visible fields."""

    record: AlumniRecord
    fields: dict[str, str]

    @property
    def shown(self) -> list[tuple[str, Any, str]]:
        """(field, label, value) of the visible fields that have a value, in order."""
        return [
            (name, field_label(name), self.fields[name])
            for name in PRIVATE_FIELDS
            if self.fields.get(name)
        ]


def field_label(name: str) -> Any:
    """The record field's translated label (phone -> 手机号)."""
    return getattr(AlumniRecord._meta.get_field(name), "verbose_name", name)


def entries(user: Any, viewer: Viewer, records: Sequence[AlumniRecord]) -> list[Entry]:
    visible = visible_fields_bulk(user, records, viewer=viewer)
    return [Entry(record=record, fields=visible[record.pk]) for record in records]


# --- Business cards ------------------------------------------------------------------------------


def exchange_between(user_id: int, other_id: int) -> CardExchange | None:
    """The open (pending or accepted) exchange between two accounts, either direction."""
    return (
        CardExchange.objects.filter(
            Q(requester_id=user_id, recipient_id=other_id)
            | Q(requester_id=other_id, recipient_id=user_id),
            status__in=[CardStatus.PENDING, CardStatus.ACCEPTED],
        )
        .order_by("-created_at")
        .first()
    )


def cards_of(user: Any) -> QuerySet[CardExchange]:
    """Every exchange the user takes part in, newest first, with both accounts loaded."""
    return CardExchange.objects.filter(
        Q(requester_id=user.pk) | Q(recipient_id=user.pk)
    ).select_related("requester", "recipient")


def card_for(user: Any, pk: int) -> CardExchange | None:
    """An exchange of the user's (either side), or None."""
    return cards_of(user).filter(pk=pk).first()


def record_of_user(user_id: int) -> AlumniRecord | None:
    return directory_records().filter(user_id=user_id).first()
