"""Reads: the current policy, a person's consents, exports and the erasure log."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from xiaoyou.privacy.models import (
    Consent,
    DataExport,
    Erasure,
    ExportStatus,
    PolicyKind,
    PolicyVersion,
)
from xiaoyou.privacy.purposes import ACCOUNT

CURRENT_POLICY_CACHE_KEY = "privacy:current-policy-id"
CURRENT_POLICY_CACHE_SECONDS = 300


def current_policy(kind: str = PolicyKind.PRIVACY) -> PolicyVersion | None:
    """The latest published version of `kind` (None before the first is published)."""
    return (
        PolicyVersion.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-published_at", "-id")
        .first()
    )


def current_policy_id() -> int:
    """The current privacy policy's id (0: none), cached: the re-consent middleware asks on
    every hall page. Publishing a version refreshes the cache."""
    cached = cache.get(CURRENT_POLICY_CACHE_KEY)
    if cached is None:
        policy = current_policy()
        cached = policy.pk if policy is not None else 0
        cache.set(CURRENT_POLICY_CACHE_KEY, cached, CURRENT_POLICY_CACHE_SECONDS)
    return int(cached)


def policy_versions(kind: str | None = None) -> QuerySet[PolicyVersion]:
    versions = PolicyVersion.objects.select_related("published_by")
    return versions.filter(kind=kind) if kind else versions


def has_accepted(user: Any, policy_id: int) -> bool:
    return Consent.objects.filter(
        user=user, purpose=ACCOUNT, policy_id=policy_id, withdrawn_at__isnull=True
    ).exists()


def has_consent(user: Any, purpose: str) -> bool:
    """Rule: only a standing (granted, not withdrawn) consent counts; none for visitors."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Consent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).exists()


def active_purposes(user: Any) -> set[str]:
    return set(
        Consent.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
            "purpose", flat=True
        )
    )


def consents_of(user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).select_related("policy")


def exports_of(user: Any) -> QuerySet[DataExport]:
    """The person's exports still downloadable or being prepared (expired ones are hidden)."""
    now = timezone.now()
    return DataExport.objects.filter(user=user).exclude(
        status=ExportStatus.READY, expires_at__lte=now
    )


def erasures() -> QuerySet[Erasure]:
    return Erasure.objects.select_related("user", "requested_by")
