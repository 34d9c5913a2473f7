"""Writes on organizations (组织管理): create, edit, archive and restore, move, cross links.

Every function takes the acting user (None for commands and fixtures, which are trusted),
checks the policy, runs in one transaction and writes the audit log with a before/after diff.
Input coming from people is checked here too, not only by the forms: the introduction is
sanitized, images are opened by their real content, the join form is validated field by field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.core import branding
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import (
    JoinFieldType,
    LinkKind,
    Organization,
    OrganizationKind,
    OrganizationLink,
)

# Fields that an organization's admins edit (the SMS balance is bought, not typed; the tree
# fields move with organization_move).
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "short_name",
    "kind",
    "logo",
    "cover",
    "introduction",
    "joining_requirements",
    "join_form",
    "approval_mode",
    "content_review_mode",
    "visibility",
    "phone",
    "province",
    "city",
    "address",
    "industry",
    "department",
)
AUDITED_FIELDS: tuple[str, ...] = (*EDITABLE_FIELDS, "school_name", "sms_balance")
CHOICE_FIELDS: tuple[str, ...] = ("kind", "approval_mode", "content_review_mode", "visibility")
# Fields whose change re-checks the kind's required profile (a regional association's city...).
PROFILE_FIELDS: frozenset[str] = frozenset({"kind", "province", "city", "industry"})

LOGO_MAX_BYTES = 2 * 1024 * 1024
COVER_MAX_BYTES = 5 * 1024 * 1024
IMAGE_LIMITS: dict[str, int] = {"logo": LOGO_MAX_BYTES, "cover": COVER_MAX_BYTES}


# --- Join form (入会表单) ---------------------------------------------------------------------

JOIN_FORM_MAX_FIELDS = 30
JOIN_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_TYPES: frozenset[str] = frozenset({JoinFieldType.CHOICE, JoinFieldType.MULTIPLE_CHOICE})
JOIN_LABEL_MAX = 60
JOIN_HELP_MAX = 200
JOIN_CHOICE_MAX = 60
JOIN_CHOICES_MAX = 50


@dataclass(frozen=True)
class JoinFieldProblem:
    """One error of a join form: the field's position (None: the whole form) and attribute."""

    index: int | None
    attribute: str
    message: str


class JoinFormError(ApplicationError):
    """The join form is refused; `problems` says where, for inline display."""

    def __init__(self, problems: Sequence[JoinFieldProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        where = "" if first.index is None else _("Field %(number)s: ") % {"number": first.index + 1}
        super().__init__(errors.INVALID_JOIN_FORM, f"{where}{first.message}", status=422)


def join_choices(value: Any) -> list[str]:
    """Choices given as a list or as text with one choice per line, trimmed, blanks dropped."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def join_field_normalize(item: Mapping[str, Any]) -> dict[str, Any]:
    """The stored shape of one field: {key, label, type, required, choices, help}."""
    field_type = str(item.get("type") or "").strip()
    return {
        "key": str(item.get("key") or "").strip(),
        "label": str(item.get("label") or "").strip(),
        "type": field_type,
        "required": bool(item.get("required")),
        "choices": join_choices(item.get("choices")) if field_type in CHOICE_TYPES else [],
        "help": str(item.get("help") or "").strip(),
    }


def join_field_problems(field: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with one normalized field, by attribute (translated messages)."""
    problems: dict[str, str] = {}
    key = field["key"]
    if key and not JOIN_FIELD_KEY.match(key):
        problems["key"] = _(
            "Use lowercase letters, digits and underscores, starting with a letter "
            "(at most 40 characters)."
        )
    if not field["label"]:
        problems["label"] = _("Give the field a label.")
    elif len(field["label"]) > JOIN_LABEL_MAX:
        problems["label"] = _("At most %(count)s characters.") % {"count": JOIN_LABEL_MAX}
    if field["type"] not in JoinFieldType.values:
        problems["type"] = _("Choose the type of the field.")
    if len(field["help"]) > JOIN_HELP_MAX:
        problems["help"] = _("At most %(count)s characters.") % {"count": JOIN_HELP_MAX}
    if field["type"] in CHOICE_TYPES:
        choices = field["choices"]
        if not choices:
            problems["choices"] = _("A choice field needs its choices, one per line.")
        elif len(choices) > JOIN_CHOICES_MAX:
            problems["choices"] = _("At most %(count)s choices.") % {"count": JOIN_CHOICES_MAX}
        elif len(set(choices)) != len(choices):
            problems["choices"] = _("Each choice may appear only once.")
        elif any(len(choice) > JOIN_CHOICE_MAX for choice in choices):
            problems["choices"] = _("Each choice has at most %(count)s characters.") % {
                "count": JOIN_CHOICE_MAX
            }
    return problems


def join_form_clean(items: Any) -> list[dict[str, Any]]:
    """The join form as stored: each field normalized, blank keys given a free "field_N".

    Refused (JoinFormError) when it is not a list, has more than 30 fields, a field is invalid
    or two fields share a key.
    """
    if items in (None, ""):
        return []
    if not isinstance(items, list | tuple) or not all(isinstance(i, Mapping) for i in items):
        raise JoinFormError([JoinFieldProblem(None, "", _("The join form must be a list."))])
    if len(items) > JOIN_FORM_MAX_FIELDS:
        raise JoinFormError(
            [
                JoinFieldProblem(
                    None,
                    "",
                    _("A join form has at most %(count)s fields.")
                    % {"count": JOIN_FORM_MAX_FIELDS},
                )
            ]
        )
    fields = [join_field_normalize(item) for item in items]
    problems = [
        JoinFieldProblem(index, attribute, message)
        for index, field in enumerate(fields)
        for attribute, message in join_field_problems(field).items()
    ]
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if field["key"] and field["key"] in seen:
            problems.append(
                JoinFieldProblem(index, "key", _("Another field already uses this key."))
            )
        seen.add(field["key"])
    if problems:
        raise JoinFormError(problems)
    number = 0
    for field in fields:
        while not field["key"]:
            number += 1
            candidate = f"field_{number}"
            if candidate not in seen:
                field["key"] = candidate
                seen.add(candidate)
    return fields


# --- Profile rules --------------------------------------------------------------------------


def organization_profile_problems(
    *, kind: str, province: str = "", city: str = "", industry: str = ""
) -> dict[str, str]:
    """Fields a kind of organization needs, by field name: a regional association its province
    and city (members are recommended by city), an industry association its industry."""
    problems: dict[str, str] = {}
    if kind == OrganizationKind.REGIONAL:
        if not province.strip():
            problems["province"] = _("A regional association needs its province.")
        if not city.strip():
            problems["city"] = _("A regional association needs its city.")
    if kind == OrganizationKind.INDUSTRY and not industry.strip():
        problems["industry"] = _("An industry association needs its industry.")
    return problems


def _check_kind(kind: str, *, is_root: bool, current: str | None = None) -> None:
    if kind not in OrganizationKind.values:
        raise ApplicationError("invalid_input")
    if is_root:
        if current is not None and kind != current:
            raise ApplicationError(errors.INVALID_KIND)
    elif kind == OrganizationKind.MAIN:
        raise ApplicationError(errors.INVALID_KIND)


def _is_new_upload(value: Any) -> bool:
    return isinstance(value, UploadedFile) or (
        hasattr(value, "read") and not isinstance(value, FieldFile)
    )


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Sanitizes rich text, validates the join form, the choices and uploaded images."""
    from xiaoyou.core.images import image_validate, renamed
    from xiaoyou.core.richtext import sanitize

    cleaned = dict(values)
    for name in ("name", "short_name", "phone", "province", "city", "address", "industry"):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        raise ApplicationError("invalid_input", _("The name is required."))
    if "introduction" in cleaned:
        cleaned["introduction"] = sanitize(str(cleaned["introduction"] or ""))
    if "joining_requirements" in cleaned:
        cleaned["joining_requirements"] = str(cleaned["joining_requirements"] or "").strip()
    if "join_form" in cleaned:
        cleaned["join_form"] = join_form_clean(cleaned["join_form"])
    for name in CHOICE_FIELDS:
        if name in cleaned and cleaned[name] not in {
            value for value, _label in getattr(Organization._meta.get_field(name), "choices", ())
        }:
            raise ApplicationError("invalid_input")
    for name, limit in IMAGE_LIMITS.items():
        value = cleaned.get(name)
        if name not in cleaned:
            continue
        if value in (None, False, ""):
            cleaned[name] = ""  # cleared; the file stays in storage (history is kept)
        elif _is_new_upload(value):
            try:
                extension = image_validate(value, max_bytes=limit)
            except ValidationError as exc:
                raise ApplicationError(errors.INVALID_IMAGE, " ".join(exc.messages)) from None
            cleaned[name] = renamed(value, extension)
    return cleaned


def _check_profile(org: Organization) -> None:
    problems = organization_profile_problems(
        kind=org.kind, province=org.province, city=org.city, industry=org.industry
    )
    if problems:
        raise ApplicationError(errors.PROFILE_INCOMPLETE, next(iter(problems.values())))


def _check_lengths(org: Organization, names: Sequence[str]) -> None:
    """The model's own limits (lengths, existing department) on the fields that changed."""
    checked = {name for name in names if name not in ("logo", "cover", "join_form")}
    excluded = [field.name for field in org._meta.fields if field.name not in checked]
    try:
        org.clean_fields(exclude=excluded)
    except ValidationError as exc:
        text = "; ".join(
            f"{getattr(org._meta.get_field(name), 'verbose_name', name)}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
        raise ApplicationError("invalid_input", text) from None


# --- Create, update ---------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *, actor: Any | None, name: str, kind: str, parent: Organization | None = None, **fields: Any
) -> Organization:
    """Creates an organization under `parent` and fills its tree path.

    Only platform operators (no actor, i.e. commands, or superusers) and admins of the parent may
    create one, never under an archived parent. People may set only the editable fields, and a
    regional or industry association needs its city or industry; the audit log records it.
    """
    from xiaoyou.core import audit, policy

    if parent is not None:
        # Decisions are made on the stored row, not on what the caller happened to hold.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    if actor is not None:
        if parent is None:
            if not actor.is_superuser:
                raise PermissionDenied("only platform operators create root organizations")
        else:
            policy.require(actor, "add_child", parent)
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
    if parent is not None and not parent.is_active:
        raise ApplicationError(errors.PARENT_ARCHIVED)
    _check_kind(kind, is_root=parent is None)
    values = _clean_values({"name": name, **fields})
    org = Organization(kind=kind, parent=parent, **values)
    if actor is not None:
        _check_profile(org)
        _check_lengths(org, list(values))
    org.save()
    parent_path = parent.path if parent else "/"
    org.path = f"{parent_path}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record(
        actor=actor,
        action="organization.create",
        obj=org,
        org=org,
        changes=audit.diff({}, audit.snapshot(org, ["name", "kind", "parent", *values])),
    )
    branding.invalidate()
    return org


@transaction.atomic
def organization_update(
    *, actor: Any | None, org: Organization, changes: Mapping[str, Any]
) -> Organization:
    """Edits the profile of `org` (the names in EDITABLE_FIELDS) and returns it fresh.

    Needs admin rights on the organization (or above). The top organization stays the main
    association and no other becomes one; a change of kind, province, city or industry re-checks
    the kind's required fields. The audit entry holds the diff; nothing is logged when nothing
    changed.
    """
    from xiaoyou.core import audit, policy

    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = Organization.objects.select_for_update().get(pk=org.pk)
    if actor is not None:
        policy.require(actor, "change", current)
    values = _clean_values(dict(changes))
    if "kind" in values:
        _check_kind(values["kind"], is_root=current.parent_id is None, current=current.kind)
    before = audit.snapshot(current, AUDITED_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    if PROFILE_FIELDS & set(values):
        _check_profile(current)
    _check_lengths(current, list(values))
    current.save()
    changed = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if changed:
        audit.record(
            actor=actor, action="organization.update", obj=current, org=current, changes=changed
        )
        branding.invalidate()
    return current


# --- Archive, restore, move ---------------------------------------------------------------------


@transaction.atomic
def organization_archive(*, actor: Any | None, org: Organization, reason: str) -> Organization:
    """Disbands (archives) `org`: it leaves the directory and the console switcher, its admins'
    rights through it end, and everything it holds (members, requests, history) is kept.

    Decided by the admins above it (of its parent or higher), with a reason. Refused for the
    main association and while it has active sub-organizations.
    """
    from xiaoyou.core import audit, policy

    current = (
        Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=org.pk)
    )
    if actor is not None:
        policy.require(actor, "archive", current)
    reason = (reason or "").strip()
    if current.parent_id is None:
        raise ApplicationError(errors.CANNOT_ARCHIVE_ROOT)
    if not current.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    if not reason:
        raise ApplicationError(errors.ARCHIVE_REASON_REQUIRED)
    if current.children.filter(is_active=True).exists():
        raise ApplicationError(errors.HAS_ACTIVE_CHILDREN, status=409)
    fields = ["is_active", "archived_at", "archive_reason"]
    before = audit.snapshot(current, fields)
    current.is_active = False
    current.archived_at = timezone.now()
    current.archive_reason = reason[:300]
    current.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="organization.archive",
        obj=current,
        org=current,
        changes=audit.diff(before, audit.snapshot(current, fields)),
    )
    return current


@transaction.atomic
def organization_restore(*, actor: Any | None, org: Organization) -> Organization:
    """Brings an archived organization back, as it was; its parent must be active. The reason
    it was archived stays in the audit log."""
    from xiaoyou.core import audit, policy

    current = (
        Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=org.pk)
    )
    if actor is not None:
        policy.require(actor, "restore", current)
    if current.is_active:
        raise ApplicationError(errors.NOT_ARCHIVED)
    if current.parent is not None and not current.parent.is_active:
        raise ApplicationError(errors.PARENT_ARCHIVED)
    fields = ["is_active", "archived_at", "archive_reason"]
    before = audit.snapshot(current, fields)
    current.is_active = True
    current.archived_at = None
    current.archive_reason = ""
    current.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="organization.restore",
        obj=current,
        org=current,
        changes=audit.diff(before, audit.snapshot(current, fields)),
    )
    return current


@transaction.atomic
def organization_move(
    *, actor: Any | None, org: Organization, parent: Organization
) -> Organization:
    """Moves `org` with its whole branch under `parent` (reparenting): platform admins only.

    The materialized paths of the branch are rewritten by one UPDATE that swaps the old path
    prefix for the new one (and shifts the depths), so the branch keeps its shape whatever its
    size. Refused for the main association, under the organization itself or its own branch,
    and under an archived parent.
    """
    from xiaoyou.core import audit, policy

    current = Organization.objects.select_for_update().get(pk=org.pk)
    target = Organization.objects.select_for_update().get(pk=parent.pk)
    if actor is not None:
        policy.require(actor, "move", current)
    if current.parent_id is None:
        raise ApplicationError(errors.CANNOT_MOVE_ROOT)
    if target.path.startswith(current.path):
        raise ApplicationError(errors.MOVE_INTO_SUBTREE)
    if not target.is_active:
        raise ApplicationError(errors.PARENT_ARCHIVED)
    if current.parent_id == target.pk:
        return current
    old_path = current.path
    old_parent_id = current.parent_id
    new_path = f"{target.path}{current.pk}/"
    shift = target.depth + 1 - current.depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + shift,
    )
    Organization.objects.filter(pk=current.pk).update(parent=target)
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action="organization.move",
        obj=current,
        org=current,
        changes={"parent": [old_parent_id, target.pk], "path": [old_path, current.path]},
    )
    branding.invalidate()
    return current


@transaction.atomic
def organization_sms_top_up(*, actor: Any | None, org: Organization, count: int) -> Organization:
    """Adds `count` messages to the organization's SMS balance (bought from the main
    association): platform admins only. An UPDATE adds to the stored value, so a top-up and a
    concurrent send never lose each other's change."""
    from xiaoyou.core import audit, policy

    if count <= 0:
        raise ApplicationError("invalid_input")
    if actor is not None:
        policy.require(actor, "top_up_sms", org)
    before = Organization.objects.values_list("sms_balance", flat=True).get(pk=org.pk)
    Organization.objects.filter(pk=org.pk).update(sms_balance=F("sms_balance") + count)
    current = Organization.objects.get(pk=org.pk)
    audit.record(
        actor=actor,
        action="organization.sms_top_up",
        obj=current,
        org=current,
        changes={"sms_balance": [before, current.sms_balance]},
    )
    return current


# --- Cross links -------------------------------------------------------------------------------


@transaction.atomic
def organization_link_create(
    *,
    actor: Any | None,
    from_org: Organization,
    to_org: Organization,
    kind: str = LinkKind.RELATED,
    note: str = "",
) -> OrganizationLink:
    """Links two organizations outside the tree (sister associations, partners).

    Needs admin rights on `from_org`; the other side may be any active organization. A link
    reads both ways, so a pair is linked at most once whichever side made it.
    """
    from xiaoyou.core import audit, policy

    from_org = Organization.objects.get(pk=from_org.pk)
    to_org = Organization.objects.get(pk=to_org.pk)
    if actor is not None:
        policy.require(actor, "change", from_org)
    if from_org.pk == to_org.pk:
        raise ApplicationError(errors.LINK_TO_ITSELF)
    if kind not in LinkKind.values:
        raise ApplicationError("invalid_input")
    if not from_org.is_active or not to_org.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    pair = Q(from_org=from_org, to_org=to_org) | Q(from_org=to_org, to_org=from_org)
    if OrganizationLink.objects.filter(pair).exists():
        raise ApplicationError(errors.LINK_EXISTS, status=409)
    link = OrganizationLink.objects.create(
        from_org=from_org, to_org=to_org, kind=kind, note=(note or "").strip()[:200]
    )
    audit.record(
        actor=actor,
        action="organization_link.create",
        obj=link,
        org=from_org,
        changes={"to_org": [None, to_org.pk], "kind": [None, kind]},
    )
    return link


@transaction.atomic
def organization_link_delete(*, actor: Any | None, link: OrganizationLink) -> None:
    """Removes a cross link; the admins of either side may do it."""
    from xiaoyou.core import audit, policy

    if actor is not None:
        policy.require(actor, "delete", link)
    audit.record(
        actor=actor,
        action="organization_link.delete",
        obj=link,
        org=link.from_org,
        changes={"to_org": [link.to_org_id, None], "kind": [link.kind, None]},
    )
    link.delete()
