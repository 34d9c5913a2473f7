"""Audit log (管理日志): append-only, hash-chained record of every staff write.

Services call `record(...)` inside their transaction, after the write:

    before = audit.snapshot(org, ["name", "city"])
    ... change org ...
    audit.record(actor=actor, action="organization.change", obj=org,
                 changes=audit.diff(before, audit.snapshot(org, ["name", "city"])))

`changes` maps a field to `[before, after]`; sensitive fields (passwords, national ID numbers,
secrets, tokens) are masked by `diff` and again by `record`, so a service cannot leak them by
building the dict by hand.

The chain: each entry stores the hash of the previous one and its own
`entry_hash = sha256(canonical JSON of its fields, previous_hash included)`. Appending locks the
single `AuditChainHead` row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions already serialize writers), so concurrent writers chain in commit order and ids
grow in chain order. The head also counts entries, which shows a truncated tail.
`verify_chain()` recomputes everything. A service's whole transaction holds the head lock from
its first audited write to its commit, so audited writes are serialized; staff writes are few.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import context
from xiaoyou.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
MASK = "******"

# A field whose name contains one of these is never written to the log in clear.
SENSITIVE_NAME_PARTS: tuple[str, ...] = (
    "password",
    "secret",
    "token",
    "national_id",
    "id_number",
    "id_card",
    "identity_number",
    "passport",
    "totp",
    "api_key",
    "private_key",
)

# Fields of an entry covered by its hash, in a fixed order (the JSON is key-sorted anyway).
HASHED_FIELDS: tuple[str, ...] = (
    "created_at",
    "actor_id",
    "actor_label",
    "org_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "request_id",
    "previous_hash",
)


def is_sensitive(field: str, extra: Iterable[str] = ()) -> bool:
    name = field.lower()
    return name in {item.lower() for item in extra} or any(
        part in name for part in SENSITIVE_NAME_PARTS
    )


def to_json_value(value: Any) -> Any:
    """A value as it will be stored in the JSON `changes` (and so hashed) column."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json_value(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-ready values of `fields` of `obj`; foreign keys by id (no query)."""
    result: dict[str, Any] = {}
    for name in fields:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # a property or plain attribute
            field = None
        if field is not None and getattr(field, "many_to_many", False):
            value: Any = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        elif field is not None and getattr(field, "is_relation", False) and field.concrete:
            value = getattr(obj, field.attname)
        else:
            value = getattr(obj, name)
        result[name] = to_json_value(value)
    return result


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], *, sensitive: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for the fields whose value changed; sensitive ones masked.

    A field present on one side only counts as changed from/to None.
    """
    extra = tuple(sensitive)
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old = to_json_value(before.get(name))
        new = to_json_value(after.get(name))
        if old == new:
            continue
        if is_sensitive(name, extra):
            changes[name] = [
                MASK if old not in (None, "") else old,
                MASK if new not in (None, "") else new,
            ]
        else:
            changes[name] = [old, new]
    return changes


def mask_changes(changes: Mapping[str, Any], *, sensitive: Iterable[str] = ()) -> dict[str, Any]:
    """Masks sensitive fields of a `changes` dict built without `diff`."""
    extra = tuple(sensitive)
    result: dict[str, Any] = {}
    for name, value in changes.items():
        value = to_json_value(value)
        if is_sensitive(name, extra):
            if isinstance(value, list):
                value = [MASK if item not in (None, "") else item for item in value]
            elif value not in (None, ""):
                value = MASK
        result[str(name)] = value
    return result


def _normalize_ip(ip: str | None) -> str | None:
    # The stored form must equal the hashed form, and a bad X-Forwarded-For must not fail a write.
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def canonical_fields(entry: AuditEntry) -> dict[str, Any]:
    created_at = entry.created_at
    if timezone.is_aware(created_at):
        created_at = created_at.astimezone(dt.UTC)
    return {
        "created_at": created_at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "org_id": entry.org_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "previous_hash": entry.previous_hash,
    }


def compute_hash(entry: AuditEntry) -> str:
    payload = json.dumps(
        canonical_fields(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _org_id_of(obj: Any, org: Any) -> int | None:
    from xiaoyou.organizations.models import Organization

    if org is not None:
        return org.pk if isinstance(org, models.Model) else int(org)
    if isinstance(obj, Organization):
        return obj.pk
    # `org_id` rather than `org`: no query for the organization itself.
    return getattr(obj, "org_id", None)


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # First entry ever (or a flushed test database): create the head, then lock it.
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    *,
    actor: Any | None,
    action: str,
    obj: Any,
    org: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends one entry for `actor` doing `action` on `obj`, chained to the previous entry.

    `org` defaults to `obj.org` (or `obj` itself for an organization). Call it inside the
    service's transaction: if the service rolls back, the entry and the chain head roll back too.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    request = context.current()
    if isinstance(obj, models.Model):
        object_type = obj._meta.label_lower
        object_id = "" if obj.pk is None else str(obj.pk)
    else:
        object_type = type(obj).__name__.lower() if obj is not None else ""
        object_id = ""
    with transaction.atomic():
        head = _lock_head()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_label=str(actor)[:150] if actor is not None else "",
            org_id=_org_id_of(obj, org),
            action=action[:64],
            object_type=object_type[:100],
            object_id=object_id[:64],
            object_repr=(str(obj) if obj is not None else "")[:200],
            changes=mask_changes(changes or {}),
            ip=_normalize_ip(request.ip),
            request_id=request.request_id[:64],
            previous_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_hash=entry.entry_hash, count=models.F("count") + 1
        )
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify_chain`: `ok`, or the first broken entry and why."""

    ok: bool
    checked: int
    total: int
    broken_entry_id: int | None = None
    reason: str = ""  # a code: previous_hash_mismatch, entry_hash_mismatch, head_mismatch
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "total": self.total,
            "broken_entry_id": self.broken_entry_id,
            "reason": self.reason,
            "message": self.message,
        }


REASONS = {
    "previous_hash_mismatch": _(
        "The entry does not follow the one before it: an entry was removed or inserted."
    ),
    "entry_hash_mismatch": _("The entry's content does not match its hash: it was changed."),
    "head_mismatch": _("The last entries of the log are missing."),
}

PROGRESS_EVERY = 500
BATCH_SIZE = 2000


def verify_chain(*, on_progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Recomputes every entry's hash in id order and checks the links and the chain head.

    `on_progress(done, total)` is called every PROGRESS_EVERY entries and at the end. Entries
    are read in keyset batches, so no long-lived cursor holds the table.
    """
    total = AuditEntry.objects.count()
    expected_previous = GENESIS_HASH
    checked = 0
    last_id = 0
    relations = {"actor_id": "actor", "org_id": "org"}
    fields = ["id", *(relations.get(name, name) for name in HASHED_FIELDS), "entry_hash"]
    while True:
        batch = list(
            AuditEntry.objects.filter(id__gt=last_id).order_by("id").only(*fields)[:BATCH_SIZE]
        )
        if not batch:
            break
        for entry in batch:
            if entry.previous_hash != expected_previous:
                return _broken(checked, total, entry.pk, "previous_hash_mismatch", on_progress)
            if compute_hash(entry) != entry.entry_hash:
                return _broken(checked, total, entry.pk, "entry_hash_mismatch", on_progress)
            expected_previous = entry.entry_hash
            checked += 1
            last_id = entry.pk
            if on_progress is not None and checked % PROGRESS_EVERY == 0:
                on_progress(checked, total)
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    head_count = head.count if head is not None else 0
    if head_hash != expected_previous or head_count != checked:
        return _broken(checked, total, None, "head_mismatch", on_progress)
    if on_progress is not None:
        on_progress(checked, total)
    return VerifyResult(ok=True, checked=checked, total=total)


def _broken(
    checked: int,
    total: int,
    entry_id: int | None,
    reason: str,
    on_progress: Callable[[int, int], None] | None,
) -> VerifyResult:
    if on_progress is not None:
        on_progress(checked, total)
    return VerifyResult(
        ok=False,
        checked=checked,
        total=total,
        broken_entry_id=entry_id,
        reason=reason,
        message=str(REASONS[reason]),
    )


# --- Reads ----------------------------------------------------------------------------------


def entries_for(user: Any) -> models.QuerySet[AuditEntry]:
    """Entries the user may read: their administered subtrees; platform admins see all.

    Entries without an organization (platform-wide actions) are for platform admins only.
    """
    from xiaoyou.core import policy

    return policy.scoped(AuditEntry.objects.all(), user, "view").select_related("org")
