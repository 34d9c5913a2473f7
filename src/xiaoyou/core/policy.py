"""The one policy engine: "may USER do ACTION on OBJECT", and the org scope for querysets.

Each app's policy.py registers rules keyed by (model, action) in its AppConfig.ready(). A rule
names the minimum organization role and how to find the object's organization; an optional
`check` adds conditions (e.g. "the author may edit their own draft"). Roles reach down the
organization tree: an admin of a college association administers its clubs too. Superusers
(platform operators) may do everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

OrgOf = Callable[[Any], Any]
Check = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Rule:
    min_role: str | None
    org_of: OrgOf
    org_field: str
    check: Check | None = None
    allow_anonymous: bool = False


_rules: dict[tuple[str, str], Rule] = {}


def _key(model: type[Model] | Model | str, action: str) -> tuple[str, str]:
    if isinstance(model, str):
        return (model.lower(), action)
    return (model._meta.label_lower, action)


def register(
    model: type[Model] | str,
    action: str,
    *,
    role: str | None,
    org_field: str = "org",
    org_of: OrgOf | None = None,
    check: Check | None = None,
    allow_anonymous: bool = False,
) -> None:
    """Declares who may do `action` on objects of `model`.

    `role=None` means any signed-in user (or anyone with `allow_anonymous`), subject to `check`.
    """
    if org_of is None:
        if org_field:

            def org_of(obj: Any, _field: str = org_field) -> Any:
                target = obj
                for part in _field.split("__"):
                    target = getattr(target, part)
                return target
        else:

            def org_of(obj: Any) -> Any:
                return obj

    _rules[_key(model, action)] = Rule(role, org_of, org_field, check, allow_anonymous)


def rule_for(model: type[Model] | Model | str, action: str) -> Rule:
    try:
        return _rules[_key(model, action)]
    except KeyError:
        raise LookupError(f"No policy rule for {_key(model, action)}") from None


def can(user: Any, action: str, obj: Model | type[Model], *, org: Any = None) -> bool:
    """True when `user` may do `action` on `obj` (an instance, or a model class with `org`)."""
    from xiaoyou.organizations.selectors import has_role

    rule = rule_for(obj, action)
    if not getattr(user, "is_authenticated", False):
        if not rule.allow_anonymous:
            return False
    elif getattr(user, "is_superuser", False) and user.is_active:
        return True
    if rule.min_role is not None:
        target_org = org if org is not None else rule.org_of(obj)
        if target_org is None or not has_role(user, target_org, rule.min_role):
            return False
    if rule.check is not None and not isinstance(obj, type):
        return rule.check(user, obj)
    return True


def require(user: Any, action: str, obj: Model | type[Model], *, org: Any = None) -> None:
    """Raises PermissionDenied unless `can(...)`."""
    if not can(user, action, obj, org=org):
        raise PermissionDenied(f"{action} denied")


def scoped(queryset: QuerySet[Any], user: Any, action: str) -> QuerySet[Any]:
    """The part of `queryset` on which `user` may do `action`, by organization role."""
    from xiaoyou.organizations.selectors import org_filter

    rule = rule_for(queryset.model, action)
    if not getattr(user, "is_authenticated", False):
        return queryset if rule.allow_anonymous and rule.min_role is None else queryset.none()
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    if rule.min_role is None:
        return queryset
    query = org_filter(user, rule.min_role, field=rule.org_field)
    if query is None:
        return queryset.none()
    return queryset.filter(query)
