"""Reads of invitations: the ones an admin may see, with their status computed in the query."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from xiaoyou.organizations.models import Invitation
from xiaoyou.organizations.services.invitations import InvitationStatus


def with_status(queryset: QuerySet[Invitation], *, now: Any = None) -> QuerySet[Invitation]:
    """Annotates `status_value` with the same precedence as services.invitation_status."""
    now = now or timezone.now()
    return queryset.annotate(
        status_value=Case(
            When(revoked_at__isnull=False, then=Value(InvitationStatus.REVOKED)),
            When(use_count__gte=F("max_uses"), then=Value(InvitationStatus.USED)),
            When(expires_at__lte=now, then=Value(InvitationStatus.EXPIRED)),
            default=Value(InvitationStatus.ACTIVE),
            output_field=CharField(),
        )
    )


def invitations_visible(user: Any) -> QuerySet[Invitation]:
    """Invitations of the organizations the user administers (directly or from above)."""
    from xiaoyou.core import policy

    queryset = Invitation.objects.select_related("org", "created_by", "used_by")
    return with_status(policy.scoped(queryset, user, "view"))


def filter_status(queryset: QuerySet[Invitation], status: str) -> QuerySet[Invitation]:
    if status in InvitationStatus.LABELS:
        return queryset.filter(Q(status_value=status))
    return queryset
