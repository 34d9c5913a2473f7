"""Audiences of campaigns (email and SMS): who receives a mailing, as the sender may see them.

One resolver for both channels. A kind of audience names its source:

- ``saved_search``: ``{"saved_search": id}``, a saved alumni search (多维度查询) the actor can use,
  evaluated now with the actor's view of the records;
- ``org_members``: ``{"org": id}`` (default: the campaign's organization), its active members;
- ``event_registrants``: ``{"event": id}``, an event's confirmed registrants;
- ``donors``: ``{"project": id}`` or ``{}`` for every project of the organization, people with a
  paid gift;
- ``upload``: ``{"recipients": [{"name": ..., "email": ..., "phone": ...}, ...]}``, the rows of an
  uploaded list parsed by `audience_uploads.upload_parse`.

Rules: the source must belong to the campaign's organization (or one below it) and the actor must
administer it; deceased alumni (AlumniRecord status) are left out; each address (email) or phone
(SMS) appears once; channel exclusions registered with `register_exclusion` (suppressed
addresses for email, opt-outs for SMS) are left out. Rows are read in batches, so memory stays
flat however large the audience (only a set of the addresses already seen grows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError, register_messages

Channel = Literal["email", "sms"]
AUDIENCE_KINDS = ("saved_search", "org_members", "event_registrants", "donors", "upload")
AUDIENCE_LABELS = {
    "saved_search": _("Saved alumni search"),
    "org_members": _("Organization members"),
    "event_registrants": _("Event registrants"),
    "donors": _("Donors"),
    "upload": _("Uploaded list"),
}
BATCH_SIZE = 2000

register_messages(
    {
        "audience_kind_unknown": _("Choose who receives the message."),
        "audience_source_missing": _("The audience's source does not exist or you cannot use it."),
        "audience_upload_empty": _("The uploaded file holds no address."),
        "audience_upload_too_large": _("The uploaded file holds more than %(limit)s rows."),
        "audience_upload_unreadable": _("The file could not be read: %(reason)s"),
        "audience_upload_invalid": _(
            "%(count)s rows of the file are not valid; nothing was taken. "
            "Download the error report, correct the rows and upload again."
        ),
    }
)

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_PHONE_CN = re.compile(r"^1[3-9]\d{9}$")
_PHONE_INTL = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    phone: str
    user_id: int | None
    record_id: int | None
    # Personalization values: name, class_year, college, org (and whatever a source adds).
    context: dict[str, str] = field(default_factory=dict)

    def address(self, channel: Channel) -> str:
        return self.email if channel == "email" else self.phone


# --- Exclusions by channel (suppressed addresses, SMS opt-outs) --------------------------------

# Each takes a batch of normalized addresses and returns those to leave out.
Exclusion = Callable[[list[str]], "set[str]"]
_exclusions: dict[str, list[Exclusion]] = {"email": [], "sms": []}


def register_exclusion(channel: Channel, exclusion: Exclusion) -> None:
    """Adds a channel-wide exclusion (called from a part's `register()`); idempotent."""
    if exclusion not in _exclusions[channel]:
        _exclusions[channel].append(exclusion)


def normalize_email(value: Any) -> str:
    text = str(value or "").strip().lower()
    return text if len(text) <= 254 and _EMAIL.match(text) else ""


def normalize_phone(value: Any) -> str:
    text = re.sub(r"[\s\-()]", "", str(value or ""))
    if text.endswith(".0"):  # a number typed into a spreadsheet cell
        text = text[:-2]
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if _PHONE_CN.match(text) or _PHONE_INTL.match(text):
        return text
    return ""


def _normalize(channel: Channel, value: Any) -> str:
    return normalize_email(value) if channel == "email" else normalize_phone(value)


# --- Sources ---------------------------------------------------------------------------------


def _org_scope(org: Any) -> Q:
    return Q(org__path__startswith=org.path)


def _require_admin(actor: Any, target_org: Any) -> None:
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    if not getattr(actor, "is_authenticated", False) or not has_role(actor, target_org, Role.ADMIN):
        raise PermissionDenied("audience denied")


def _param_id(params: dict[str, Any], key: str) -> int | None:
    try:
        return int(params[key]) if params.get(key) not in (None, "") else None
    except (TypeError, ValueError):
        raise ApplicationError("audience_source_missing", status=404) from None


def _saved_search_rows(actor: Any, org: Any, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from xiaoyou.alumni.models import RecordStatus
    from xiaoyou.alumni.selectors_search import saved_search_queryset, saved_searches_for

    pk = _param_id(params, "saved_search")
    saved = saved_searches_for(actor).filter(_org_scope(org), pk=pk).first() if pk else None
    if saved is None:
        raise ApplicationError("audience_source_missing", status=404)
    records = saved_search_queryset(saved, actor).exclude(status=RecordStatus.DECEASED)
    yield from _stream(
        records.order_by().values(
            "pk",
            "name",
            "email",
            "phone",
            "user_id",
            "enrollment_year",
            "graduation_year",
            "department__name",
            "org__name",
        ),
        lambda row: {
            "name": row["name"],
            "email": row["email"],
            "phone": row["phone"],
            "user_id": row["user_id"],
            "record_id": row["pk"],
            "class_year": row["enrollment_year"] or row["graduation_year"],
            "college": row["department__name"],
            "org": row["org__name"],
        },
    )


def _org_members_rows(actor: Any, org: Any, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from xiaoyou.alumni.models import RecordStatus
    from xiaoyou.organizations.models import Membership, MembershipStatus, Organization

    pk = _param_id(params, "org") or org.pk
    target = Organization.objects.filter(path__startswith=org.path, pk=pk).first()
    if target is None:
        raise ApplicationError("audience_source_missing", status=404)
    _require_admin(actor, target)
    members = (
        Membership.objects.filter(org=target, status=MembershipStatus.ACTIVE)
        .exclude(alumni_record__status=RecordStatus.DECEASED)
        .exclude(user__alumni_record__status=RecordStatus.DECEASED)
    )
    yield from _stream(
        members.order_by().values(
            "pk",
            "name",
            "phone",
            "user_id",
            "user__email",
            "user__phone",
            "alumni_record_id",
            "alumni_record__email",
            "alumni_record__phone",
            "alumni_record__enrollment_year",
            "alumni_record__graduation_year",
            "alumni_record__department__name",
        ),
        lambda row: {
            "name": row["name"],
            "email": row["user__email"] or row["alumni_record__email"],
            "phone": row["phone"] or row["user__phone"] or row["alumni_record__phone"],
            "user_id": row["user_id"],
            "record_id": row["alumni_record_id"],
            "class_year": row["alumni_record__enrollment_year"]
            or row["alumni_record__graduation_year"],
            "college": row["alumni_record__department__name"],
            "org": target.name,
        },
    )


def _event_registrants_rows(
    actor: Any, org: Any, params: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    from xiaoyou.alumni.models import RecordStatus
    from xiaoyou.events.models import Event, Registration, RegistrationStatus

    pk = _param_id(params, "event") or 0
    event = Event.objects.filter(_org_scope(org), pk=pk).select_related("org").first()
    if event is None:
        raise ApplicationError("audience_source_missing", status=404)
    policy.require(actor, "manage", event)
    registrations = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).exclude(user__alumni_record__status=RecordStatus.DECEASED)
    yield from _stream(
        registrations.order_by().values(
            "pk",
            "name",
            "email",
            "phone",
            "user_id",
            "user__email",
            "user__alumni_record__pk",
            "user__alumni_record__enrollment_year",
            "user__alumni_record__graduation_year",
            "user__alumni_record__department__name",
        ),
        lambda row: {
            "name": row["name"],
            "email": row["email"] or row["user__email"],
            "phone": row["phone"],
            "user_id": row["user_id"],
            "record_id": row["user__alumni_record__pk"],
            "class_year": row["user__alumni_record__enrollment_year"]
            or row["user__alumni_record__graduation_year"],
            "college": row["user__alumni_record__department__name"],
            "org": event.org.name,
            "event": event.title,
        },
    )


def _donors_rows(actor: Any, org: Any, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from xiaoyou.alumni.models import RecordStatus
    from xiaoyou.donations.models import Donation, DonationProject, DonationStatus

    pk = _param_id(params, "project")
    if pk is not None:
        project = DonationProject.objects.filter(_org_scope(org), pk=pk).first()
        if project is None:
            raise ApplicationError("audience_source_missing", status=404)
        policy.require(actor, "manage", project)
        donations = Donation.objects.filter(project=project)
    else:
        _require_admin(actor, org)
        donations = Donation.objects.filter(project__org__path__startswith=org.path)
    donations = donations.filter(status=DonationStatus.PAID).exclude(
        user__alumni_record__status=RecordStatus.DECEASED
    )
    yield from _stream(
        donations.order_by().values(
            "pk",
            "donor_name",
            "email",
            "phone",
            "user_id",
            "user__email",
            "user__phone",
            "user__alumni_record__pk",
            "user__alumni_record__enrollment_year",
            "user__alumni_record__graduation_year",
            "user__alumni_record__department__name",
            "project__title",
            "project__org__name",
        ),
        lambda row: {
            "name": row["donor_name"],
            "email": row["email"] or row["user__email"],
            "phone": row["phone"] or row["user__phone"],
            "user_id": row["user_id"],
            "record_id": row["user__alumni_record__pk"],
            "class_year": row["user__alumni_record__enrollment_year"]
            or row["user__alumni_record__graduation_year"],
            "college": row["user__alumni_record__department__name"],
            "org": row["project__org__name"],
            "project": row["project__title"],
        },
    )


def _upload_rows(actor: Any, org: Any, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    _require_admin(actor, org)
    for row in params.get("recipients") or []:
        yield {
            "name": row.get("name", ""),
            "email": row.get("email", ""),
            "phone": row.get("phone", ""),
            "user_id": None,
            "record_id": None,
            "org": org.name,
        }


_SOURCES: dict[str, Callable[[Any, Any, dict[str, Any]], Iterator[dict[str, Any]]]] = {
    "saved_search": _saved_search_rows,
    "org_members": _org_members_rows,
    "event_registrants": _event_registrants_rows,
    "donors": _donors_rows,
    "upload": _upload_rows,
}


def _stream(
    queryset: QuerySet[Any], shape: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for row in queryset.iterator(chunk_size=BATCH_SIZE):
        yield shape(row)


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _deceased_addresses(channel: Channel, addresses: list[str]) -> set[str]:
    """Addresses of an uploaded list that belong to a deceased alumnus."""
    from xiaoyou.alumni.models import AlumniRecord, RecordStatus

    records = AlumniRecord.objects.filter(status=RecordStatus.DECEASED, deleted_at__isnull=True)
    if channel == "email":
        found = records.filter(email__in=addresses).values_list("email", flat=True)
        return {value.lower() for value in found}
    return set(records.filter(phone__in=addresses).values_list("phone", flat=True))


def audience_recipients(
    *, actor: Any, org: Any, kind: str, params: dict[str, Any], channel: Channel
) -> Iterator[Recipient]:
    """Streams the recipients of an audience, deduplicated and without exclusions.

    Rule: see the module docstring. Raises ApplicationError for an unknown kind or a missing
    source and PermissionDenied when the actor does not administer the source.
    """
    source = _SOURCES.get(kind)
    if source is None:
        raise ApplicationError("audience_kind_unknown")
    seen: set[str] = set()
    rows = source(actor, org, params or {})
    for batch in _batched(rows, BATCH_SIZE):
        candidates: list[tuple[str, dict[str, Any]]] = []
        for row in batch:
            address = _normalize(channel, row["email"] if channel == "email" else row["phone"])
            if not address or address in seen:
                continue
            seen.add(address)
            candidates.append((address, row))
        if not candidates:
            continue
        addresses = [address for address, _row in candidates]
        excluded: set[str] = set()
        for exclusion in _exclusions[channel]:
            excluded |= exclusion(addresses)
        if kind == "upload":
            excluded |= _deceased_addresses(channel, addresses)
        for address, row in candidates:
            if address in excluded:
                continue
            yield _recipient(channel, address, row)


def _recipient(channel: Channel, address: str, row: dict[str, Any]) -> Recipient:
    context = {
        key: str(value)
        for key, value in row.items()
        if key not in ("email", "phone", "user_id", "record_id") and value not in (None, "")
    }
    context.setdefault("name", "")
    return Recipient(
        name=str(row.get("name") or ""),
        email=address if channel == "email" else normalize_email(row.get("email")),
        phone=address if channel == "sms" else normalize_phone(row.get("phone")),
        user_id=row.get("user_id"),
        record_id=row.get("record_id"),
        context=context,
    )


def audience_count(
    *, actor: Any, org: Any, kind: str, params: dict[str, Any], channel: Channel
) -> int:
    """How many recipients `audience_recipients` would yield now."""
    return sum(
        1
        for _recipient_ in audience_recipients(
            actor=actor, org=org, kind=kind, params=params, channel=channel
        )
    )
