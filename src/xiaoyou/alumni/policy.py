"""Who may see and change alumni records: admins of the record's organization (and above).

The records are kept by the main association, so a college association's admins reach the
records of their college through the department tree: `record_scope` / `record_can` widen the
organization rule with the organization linked to the record's department (or its parent
college). The alumnus themself may update their own contact and work fields ("update_own").
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoyou.alumni.models import AlumniRecord, CustomField, Department
from xiaoyou.core import policy
from xiaoyou.organizations.models import Role


def _own_record(user: Any, record: Any) -> bool:
    return bool(getattr(user, "pk", None)) and record.user_id == user.pk


def register() -> None:
    # Records hold personal data (phone, employer, birth date): admins only, not members.
    policy.register(AlumniRecord, "view", role=Role.ADMIN)
    policy.register(AlumniRecord, "change", role=Role.ADMIN)
    policy.register(AlumniRecord, "delete", role=Role.ADMIN)
    policy.register(AlumniRecord, "update_own", role=None, org_field="", check=_own_record)
    # The custom fields and the department tree are school-wide settings: platform admins
    # (superusers pass every rule; role=ADMIN of no organization leaves everybody else out).
    policy.register(CustomField, "change", role=Role.ADMIN, org_field="", org_of=lambda _o: None)
    policy.register(Department, "change", role=Role.ADMIN, org_field="", org_of=lambda _o: None)


def record_scope_q(user: Any) -> Q | None:
    """Records a staff user administers: kept by an organization of their subtree, or filed
    under a department linked to one (`Department.org`), a unit below it (two levels) or a unit
    merged into it — the same reach as the search (selectors_search.alumni_scope)."""
    from xiaoyou.organizations.selectors import org_filter

    kept = org_filter(user, Role.ADMIN, field="org")
    if kept is None:
        return None
    # The same organizations, matched on the department's link instead of the record's keeper.
    linked = Department.objects.filter(kept).values("pk")
    units = Department.objects.filter(
        Q(pk__in=linked)
        | Q(parent__in=linked)
        | Q(parent__parent__in=linked)
        | Q(merged_into__in=linked)
    ).values("pk")
    return kept | Q(department_id__in=units)


def record_scope(queryset: QuerySet[AlumniRecord], user: Any) -> QuerySet[AlumniRecord]:
    """The part of `queryset` the user may view and change as staff (deleted records included,
    so they can be restored)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    query = record_scope_q(user)
    return queryset.none() if query is None else queryset.filter(query)


def record_can(user: Any, action: str, record: AlumniRecord) -> bool:
    """`policy.can` widened by the department's association (view, change, delete)."""
    if policy.can(user, action, record):
        return True
    if action == "update_own" or not getattr(user, "is_authenticated", False):
        return False
    return record_scope(AlumniRecord.objects.filter(pk=record.pk), user).exists()


def record_require(user: Any, action: str, record: AlumniRecord) -> None:
    from django.core.exceptions import PermissionDenied

    if not record_can(user, action, record):
        raise PermissionDenied(f"{action} denied")
