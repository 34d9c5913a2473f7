"""Reads of the organization tree and of a user's roles."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xiaoyou.organizations.models import ROLE_RANK, Organization, OrgRole, Role


def root_organization() -> Organization | None:
    return Organization.objects.filter(parent__isnull=True, is_active=True).order_by("id").first()


def subtree(org: Organization) -> QuerySet[Organization]:
    """The organization and all its descendants."""
    return Organization.objects.filter(path__startswith=org.path)


def role_paths(user, min_role: str) -> list[str]:
    """Paths of the organizations where `user` holds `min_role` or higher, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_xiaoyou_role_cache", None)
    if cache is None:
        cache = list(
            OrgRole.objects.filter(user=user, org__is_active=True).values_list("org__path", "role")
        )
        user._xiaoyou_role_cache = cache
    needed = ROLE_RANK[Role(min_role)]
    return [path for path, role in cache if ROLE_RANK[Role(role)] >= needed]


def clear_role_cache(user) -> None:
    if hasattr(user, "_xiaoyou_role_cache"):
        del user._xiaoyou_role_cache


def org_filter(user, min_role: str, *, field: str = "org") -> Q | None:
    """A Q that keeps objects whose `field` lies in a subtree where the user has `min_role`.

    Returns None when the user holds the role nowhere (the caller returns an empty queryset).
    """
    paths = role_paths(user, min_role)
    if not paths:
        return None
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    query = Q()
    for path in _minimal_paths(paths):
        query |= Q(**{prefix: path})
    return query


def _minimal_paths(paths: list[str]) -> list[str]:
    """Drops paths already covered by an ancestor path in the list."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def administered_organizations(user) -> QuerySet[Organization]:
    """Organizations the user administers, directly or through an ancestor."""
    if getattr(user, "is_superuser", False):
        return Organization.objects.filter(is_active=True)
    query = org_filter(user, Role.ADMIN, field="")
    if query is None:
        return Organization.objects.none()
    return Organization.objects.filter(query, is_active=True)


def has_role(user, org: Organization, min_role: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(org.path.startswith(path) for path in role_paths(user, min_role))
