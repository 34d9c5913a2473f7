"""Saved searches (保存的查询): save, share with the organization's admins, delete."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import AlumniRecord, SavedSearch
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization

MAX_PER_OWNER = 100


def saved_search_create(
    *, actor: Any, org: Organization, name: str, query: dict[str, Any], is_shared: bool = False
) -> SavedSearch:
    """Keeps the current search parameters under `name` in `org` (where the actor is staff)."""
    policy.require(actor, "view", AlumniRecord, org=org)
    name = (name or "").strip()[:60]
    if not name:
        raise ApplicationError("saved_search_name", _("Give the search a name."))
    if SavedSearch.objects.filter(owner=actor).count() >= MAX_PER_OWNER:
        raise ApplicationError("saved_search_limit", _("You have too many saved searches."))
    with transaction.atomic():
        saved = SavedSearch.objects.create(
            org=org, owner=actor, name=name, query=dict(query), is_shared=is_shared
        )
        audit.record(
            actor=actor,
            action="alumni.saved_search.create",
            obj=saved,
            changes={"name": [None, name], "is_shared": [None, is_shared]},
        )
    return saved


def _require_owner(actor: Any, saved: SavedSearch) -> None:
    # Shared searches are read by other admins; only their owner (or an operator) changes them.
    if saved.owner_id != actor.pk and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("not the owner")


def saved_search_share(*, actor: Any, saved: SavedSearch, is_shared: bool) -> SavedSearch:
    _require_owner(actor, saved)
    with transaction.atomic():
        old = saved.is_shared
        saved.is_shared = is_shared
        saved.save(update_fields=["is_shared", "updated_at"])
        audit.record(
            actor=actor,
            action="alumni.saved_search.share",
            obj=saved,
            changes={"is_shared": [old, is_shared]},
        )
    return saved


def saved_search_delete(*, actor: Any, saved: SavedSearch) -> None:
    _require_owner(actor, saved)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="alumni.saved_search.delete",
            obj=saved,
            changes={"name": [saved.name, None]},
        )
        saved.delete()
