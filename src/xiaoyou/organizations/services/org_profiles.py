"""Creating organizations and editing their profiles (组织管理), with the profile rules.

Every function takes the acting user (None for commands and fixtures, which are trusted),
checks the policy, runs in one transaction and writes the audit log with a before/after diff.
Input coming from people is checked here too, not only by the forms: the introduction is
sanitized, images are opened by their real content, the join form is validated field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from xiaoyou.core import branding
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import Organization, OrganizationKind
from xiaoyou.organizations.services.join_forms import join_form_clean

# Fields that an organization's admins edit (SMS is the messaging quota's allocation, set by
# platform admins on the quota page; the tree fields move with organization_move).
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
AUDITED_FIELDS: tuple[str, ...] = (*EDITABLE_FIELDS, "school_name")
CHOICE_FIELDS: tuple[str, ...] = ("kind", "approval_mode", "content_review_mode", "visibility")
# Fields whose change re-checks the kind's required profile (a regional association's city...).
PROFILE_FIELDS: frozenset[str] = frozenset({"kind", "province", "city", "industry"})

LOGO_MAX_BYTES = 2 * 1024 * 1024
COVER_MAX_BYTES = 5 * 1024 * 1024
IMAGE_LIMITS: dict[str, int] = {"logo": LOGO_MAX_BYTES, "cover": COVER_MAX_BYTES}


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
