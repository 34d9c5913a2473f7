"""Who sees which contact and work field: ONE rule for the hall directory, search, the API, the
business cards and the exports to staff.

A field of an alumnus's record is visible to a viewer when the field's level (the alumnus's
choice, else the school's default) names an audience the viewer belongs to:
- everyone: anybody who can reach the entry;
- verified: the viewer is a verified alumnus (a live record linked to the account, verified);
- members: the viewer and the alumnus share an organization (an active membership or a role);
- classmates: the viewer's verified record has the same class and year of graduation, or the
  same department and year of enrollment;
- only me: nobody else.
The alumnus always sees their own fields; an alumnus they exchanged cards with sees every field
that is not "only me". `visible_fields_bulk` answers in Python for the rows of a page (a fixed
number of queries); `visible_q` is the same rule as a filter, so searching by city, employer or
industry never finds a record through a field the viewer may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from xiaoyou.alumni.models import AlumniRecord, VerificationState
from xiaoyou.directory.models import (
    BUILT_IN_DEFAULTS,
    PRIVATE_FIELDS,
    CardExchange,
    CardStatus,
    DirectorySettings,
    PrivacySettings,
    Visibility,
)

ALL_LEVELS = frozenset(Visibility.values)
# An exchanged card opens every audience but "only me".
CARD_LEVELS = frozenset(ALL_LEVELS - {Visibility.ONLY_ME})


@dataclass
class Viewer:
    """What the rule needs to know about the person looking, read once per request."""

    user_id: int | None
    record: AlumniRecord | None = None
    org_ids: list[int] = field(default_factory=list)
    partner_ids: set[int] = field(default_factory=set)

    @property
    def is_verified(self) -> bool:
        return self.record is not None


def own_record(user: Any) -> AlumniRecord | None:
    """The user's live, verified alumni record (None for everybody else)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        AlumniRecord.objects.filter(
            user_id=user.pk,
            deleted_at__isnull=True,
            merged_into__isnull=True,
            verification=VerificationState.VERIFIED,
        )
        .select_related("department", "major")
        .first()
    )


def organization_ids_of(user_id: int) -> list[int]:
    """Organizations the user belongs to: active memberships and any role held there."""
    from xiaoyou.organizations.models import Membership, MembershipStatus, OrgRole

    ids = set(
        Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE).values_list(
            "org_id", flat=True
        )
    )
    ids.update(OrgRole.objects.filter(user_id=user_id).values_list("org_id", flat=True))
    return sorted(ids)


def card_partner_ids(user_id: int) -> set[int]:
    """Accounts the user has exchanged cards with."""
    pairs = CardExchange.objects.filter(
        Q(requester_id=user_id) | Q(recipient_id=user_id), status=CardStatus.ACCEPTED
    ).values_list("requester_id", "recipient_id")
    return {other for pair in pairs for other in pair if other != user_id}


def viewer_for(user: Any) -> Viewer:
    if not getattr(user, "is_authenticated", False):
        return Viewer(user_id=None)
    return Viewer(
        user_id=user.pk,
        record=own_record(user),
        org_ids=organization_ids_of(user.pk),
        partner_ids=card_partner_ids(user.pk),
    )


def school_defaults() -> dict[str, str]:
    found = DirectorySettings.objects.filter(pk=1).first()
    return found.defaults() if found is not None else dict(BUILT_IN_DEFAULTS)


def levels_for_users(
    user_ids: Iterable[int], defaults: dict[str, str] | None = None
) -> dict[int, dict[str, str]]:
    """Each account's level per field, its own choice or else the school's default."""
    defaults = defaults if defaults is not None else school_defaults()
    ids = {pk for pk in user_ids if pk}
    chosen = {row.user_id: row for row in PrivacySettings.objects.filter(user_id__in=ids)}
    result = {}
    for pk in ids:
        row = chosen.get(pk)
        result[pk] = {
            name: (getattr(row, name) if row is not None else "") or defaults[name]
            for name in PRIVATE_FIELDS
        }
    return result


def _shared_organization_users(viewer: Viewer, user_ids: set[int]) -> set[int]:
    from xiaoyou.organizations.models import Membership, MembershipStatus, OrgRole

    if not viewer.org_ids or not user_ids:
        return set()
    shared = set(
        Membership.objects.filter(
            user_id__in=user_ids, org_id__in=viewer.org_ids, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    shared.update(
        OrgRole.objects.filter(user_id__in=user_ids, org_id__in=viewer.org_ids).values_list(
            "user_id", flat=True
        )
    )
    return shared


def is_classmate(mine: AlumniRecord | None, other: AlumniRecord) -> bool:
    """Same class and year of graduation, or same department and year of enrollment."""
    if mine is None or mine.pk == other.pk:
        return False
    same_class = bool(
        mine.class_name
        and mine.graduation_year
        and mine.class_name == other.class_name
        and mine.graduation_year == other.graduation_year
    )
    same_intake = bool(
        mine.department_id
        and mine.enrollment_year
        and mine.department_id == other.department_id
        and mine.enrollment_year == other.enrollment_year
    )
    return same_class or same_intake


def audiences(viewer: Viewer, record: AlumniRecord, *, shares_organization: bool) -> frozenset[str]:
    """The levels whose fields `viewer` may see on `record`."""
    if viewer.user_id is not None and record.user_id == viewer.user_id:
        return ALL_LEVELS
    levels = {Visibility.EVERYONE.value}
    if viewer.is_verified:
        levels.add(Visibility.VERIFIED.value)
    if shares_organization:
        levels.add(Visibility.MEMBERS.value)
    if viewer.is_verified and is_classmate(viewer.record, record):
        levels.add(Visibility.CLASSMATES.value)
    if record.user_id in viewer.partner_ids:
        levels.update(CARD_LEVELS)
    return frozenset(levels)


def visible_fields_bulk(
    user: Any, records: Sequence[AlumniRecord], *, viewer: Viewer | None = None
) -> dict[int, dict[str, str]]:
    """{record id: {field: value}} of the contact and work fields `user` may see (fields with
    no value included, as ""). Five queries whatever the number of records."""
    viewer = viewer if viewer is not None else viewer_for(user)
    user_ids = {record.user_id for record in records if record.user_id}
    levels = levels_for_users(user_ids)
    shared = _shared_organization_users(viewer, user_ids)
    result: dict[int, dict[str, str]] = {}
    for record in records:
        if record.user_id is None:
            # Not an account holder: the directory never lists such records.
            result[record.pk] = {}
            continue
        allowed = audiences(viewer, record, shares_organization=record.user_id in shared)
        record_levels = levels[record.user_id]
        result[record.pk] = {
            name: getattr(record, name) or ""
            for name in PRIVATE_FIELDS
            if record_levels[name] in allowed
        }
    return result


def visible_fields(user: Any, record: AlumniRecord) -> dict[str, str]:
    """The contact and work fields of `record` that `user` may see (see the module rule)."""
    return visible_fields_bulk(user, [record])[record.pk]


def visible_q(viewer: Viewer, name: str, defaults: dict[str, str] | None = None) -> Q:
    """The records whose field `name` the viewer may see, as a filter (the same rule)."""
    from xiaoyou.organizations.models import Membership, MembershipStatus, OrgRole

    defaults = defaults if defaults is not None else school_defaults()
    column = f"user__directory_privacy__{name}"

    def level_is(level: str) -> Q:
        query = Q(**{column: level})
        if defaults[name] == level:
            query |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
        return query

    allowed = Q(user_id=viewer.user_id) if viewer.user_id else Q(pk__in=[])
    allowed |= level_is(Visibility.EVERYONE)
    if viewer.is_verified:
        allowed |= level_is(Visibility.VERIFIED)
    if viewer.org_ids:
        members = Membership.objects.filter(
            org_id__in=viewer.org_ids, status=MembershipStatus.ACTIVE, user__isnull=False
        ).values("user_id")
        roles = OrgRole.objects.filter(org_id__in=viewer.org_ids).values("user_id")
        allowed |= level_is(Visibility.MEMBERS) & (Q(user_id__in=members) | Q(user_id__in=roles))
    classmates = classmates_q(viewer.record)
    if classmates is not None:
        allowed |= level_is(Visibility.CLASSMATES) & classmates
    if viewer.partner_ids:
        opened = Q()
        for level in sorted(CARD_LEVELS):
            opened |= level_is(level)
        allowed |= Q(user_id__in=sorted(viewer.partner_ids)) & opened
    return allowed


def classmates_q(mine: AlumniRecord | None) -> Q | None:
    """The records of `mine`'s classmates (same rule as `is_classmate`), or None."""
    if mine is None:
        return None
    query = None
    if mine.class_name and mine.graduation_year:
        query = Q(class_name=mine.class_name, graduation_year=mine.graduation_year)
    if mine.department_id and mine.enrollment_year:
        intake = Q(department_id=mine.department_id, enrollment_year=mine.enrollment_year)
        query = intake if query is None else query | intake
    if query is None:
        return None
    return query & ~Q(pk=mine.pk)
