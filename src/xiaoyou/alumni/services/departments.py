"""院系设置: the school → college → department tree; renames keep the old name as an alias,
merges point the old unit to its successor, so old names stay searchable."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xiaoyou.alumni.models import AlumniRecord, Department, DepartmentAlias, DepartmentKind
from xiaoyou.core import audit, policy

_PARENT_KIND = {
    DepartmentKind.SCHOOL: None,
    DepartmentKind.COLLEGE: DepartmentKind.SCHOOL,
    DepartmentKind.DEPARTMENT: DepartmentKind.COLLEGE,
}


def _require(actor: Any) -> None:
    policy.require(actor, "change", Department)


@transaction.atomic
def department_create(
    *,
    actor: Any,
    name: str,
    code: str,
    kind: str,
    parent: Department | None = None,
    org: Any = None,
) -> Department:
    _require(actor)
    name, code = name.strip(), code.strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": _("The parent unit is no longer active.")})
    if parent is not None and kind == DepartmentKind.SCHOOL:
        raise ValidationError({"parent": _("A school has no parent unit.")})
    department = Department(name=name, code=code, kind=kind, parent=parent, org=org)
    department.full_clean()
    department.save()
    audit.record(
        actor=actor,
        action="department.create",
        obj=department,
        org=org,
        changes={"name": [None, name], "code": [None, code]},
    )
    return department


@transaction.atomic
def department_rename(
    *, actor: Any, department: Department, name: str, until_year: int | None = None
) -> Department:
    """New name; the old one becomes a DepartmentAlias (searchable)."""
    _require(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    old = department.name
    if old == name:
        return department
    DepartmentAlias.objects.get_or_create(
        department=department, name=old, defaults={"used_until": until_year}
    )
    department.name = name
    department.save(update_fields=["name"])
    audit.record(
        actor=actor, action="department.rename", obj=department, changes={"name": [old, name]}
    )
    return department


@transaction.atomic
def department_merge(*, actor: Any, department: Department, into: Department) -> Department:
    """`department` ends; its records are shown under `into`, its names stay searchable."""
    _require(actor)
    if department.pk == into.pk or into.merged_into_id == department.pk:
        raise ValidationError({"into": _("A unit cannot be merged into itself.")})
    if not into.is_active:
        raise ValidationError({"into": _("The successor unit is no longer active.")})
    department.merged_into = into
    department.is_active = False
    department.save(update_fields=["merged_into", "is_active"])
    # Units merged into the old one earlier follow it to the successor.
    Department.objects.filter(merged_into=department).update(merged_into=into)
    DepartmentAlias.objects.get_or_create(department=into, name=department.name)
    audit.record(
        actor=actor,
        action="department.merge",
        obj=department,
        changes={"merged_into": [None, into.pk]},
    )
    return department


@transaction.atomic
def department_set_active(*, actor: Any, department: Department, active: bool) -> Department:
    _require(actor)
    if department.is_active == active:
        return department
    if active and department.merged_into_id:
        raise ValidationError(_("A merged unit cannot be reactivated."))
    department.is_active = active
    department.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="department.activate" if active else "department.deactivate",
        obj=department,
        changes={"is_active": [not active, active]},
    )
    return department


@transaction.atomic
def department_link_org(*, actor: Any, department: Department, org: Any) -> Department:
    """The college's alumni association, recommended to the college's alumni."""
    _require(actor)
    old = department.org_id
    department.org = org
    department.save(update_fields=["org"])
    audit.record(
        actor=actor,
        action="department.link_org",
        obj=department,
        changes={"org": [old, org.pk if org is not None else None]},
    )
    return department


# --- reads (used by the record pages and the search) -----------------------------------------


def department_ids_named(text: str) -> set[int]:
    """Units whose current or former name contains `text`, plus the units merged into them and
    their sub-units (so "计算机系" finds records filed under its new or merged names)."""
    text = text.strip()
    if not text:
        return set()
    ids = set(
        Department.objects.filter(
            Q(name__icontains=text) | Q(aliases__name__icontains=text)
        ).values_list("pk", flat=True)
    )
    return department_family(ids)


def department_family(ids: set[int]) -> set[int]:
    """`ids` with the units merged into them and all their descendants."""
    result = set(ids)
    frontier = set(ids)
    while frontier:
        found = set(
            Department.objects.filter(Q(parent_id__in=frontier) | Q(merged_into_id__in=frontier))
            .exclude(pk__in=result)
            .values_list("pk", flat=True)
        )
        result |= found
        frontier = found
    return result


def records_in_departments_named(
    queryset: QuerySet[AlumniRecord], text: str
) -> QuerySet[AlumniRecord]:
    """Filter by a department name, current or former."""
    return queryset.filter(department_id__in=department_ids_named(text))


def department_successor(department: Department) -> Department:
    """The unit a record is shown under: follows merges to the end."""
    seen: set[int] = set()
    while department.merged_into_id and department.pk not in seen:
        seen.add(department.pk)
        department = Department.objects.get(pk=department.merged_into_id)
    return department
