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

# Paths from a record to the organizations that administer it, besides `org`.
_DEPARTMENT_ORG_FIELDS = ("department__org", "department__parent__org")


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
    """Records a staff user administers: by keeping organization or by department's association."""
    from xiaoyou.organizations.selectors import org_filter

    query: Q | None = None
    for field in ("org", *_DEPARTMENT_ORG_FIELDS):
        part = org_filter(user, Role.ADMIN, field=field)
        if part is not None:
            query = part if query is None else query | part
    return query


def record_scope(queryset: QuerySet[AlumniRecord], user: Any) -> QuerySet[AlumniRecord]:
    """The part of `queryset` the user may view and change as staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    query = record_scope_q(user)
    return queryset.none() if query is None else queryset.filter(query)


def record_can(user: Any, action: str, record: AlumniRecord) -> bool:
    """`policy.can` widened by the department's association (view, change, delete)."""
    from xiaoyou.organizations.selectors import has_role

    if policy.can(user, action, record):
        return True
    if action == "update_own" or not getattr(user, "is_authenticated", False):
        return False
    department = record.department
    while department is not None:
        if department.org is not None and has_role(user, department.org, Role.ADMIN):
            return True
        department = department.parent
    return False


def record_require(user: Any, action: str, record: AlumniRecord) -> None:
    from django.core.exceptions import PermissionDenied

    if not record_can(user, action, record):
        raise PermissionDenied(f"{action} denied")
