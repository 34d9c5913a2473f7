"""Writes of policies and consents: each in one transaction, audited."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, richtext
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.middleware import client_ip
from xiaoyou.privacy import errors
from xiaoyou.privacy.models import Consent, PolicyKind, PolicyVersion
from xiaoyou.privacy.purposes import ACCOUNT, purposes
from xiaoyou.privacy.selectors import CURRENT_POLICY_CACHE_KEY, current_policy


def may_publish_policy(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def policy_publish(
    *, actor: Any, kind: str, version: str, title: str, body: str, summary: str = ""
) -> PolicyVersion:
    """Publishes a new version (platform admins only). Versions are never edited: signed-in
    users are asked to accept the new privacy policy at their next hall page."""
    if not may_publish_policy(actor):
        raise PermissionDenied("publishing a policy needs a platform admin")
    version = version.strip()
    with transaction.atomic():
        if PolicyVersion.objects.filter(kind=kind, version=version).exists():
            raise ApplicationError(errors.POLICY_VERSION_EXISTS)
        policy = PolicyVersion.objects.create(
            kind=kind,
            version=version,
            title=title.strip(),
            body=richtext.sanitize(body),
            summary=summary.strip(),
            published_at=timezone.now(),
            published_by=actor,
        )
        audit.record(
            actor=actor,
            action="privacy.policy_publish",
            obj=policy,
            changes={"kind": [None, kind], "version": [None, version]},
        )
        if kind == PolicyKind.PRIVACY:
            transaction.on_commit(lambda: cache.delete(CURRENT_POLICY_CACHE_KEY))
    cache.delete(CURRENT_POLICY_CACHE_KEY)
    return policy


def _request_details(request: Any) -> dict[str, Any]:
    if request is None:
        return {"ip": None, "user_agent": ""}
    return {
        "ip": client_ip(request) or None,
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:300],
    }


def policy_accept(*, actor: Any, policy: PolicyVersion, request: Any = None) -> Consent:
    """Records `actor`'s consent to `policy` (sign-up or re-consent): purpose "account"."""
    with transaction.atomic():
        existing = Consent.objects.filter(
            user=actor, purpose=ACCOUNT, policy=policy, withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        # The consent to the previous version is superseded, not withdrawn by the person.
        consent = Consent.objects.create(
            user=actor,
            purpose=ACCOUNT,
            policy=policy,
            granted_at=timezone.now(),
            **_request_details(request),
        )
        audit.record(
            actor=actor,
            action="privacy.policy_accept",
            obj=consent,
            changes={"policy": [None, f"{policy.kind} {policy.version}"]},
        )
    return consent


def signup_consent_record(*, user: Any, request: Any = None) -> Consent | None:
    """Called from the sign-up form once the account exists (the box was ticked)."""
    policy = current_policy()
    if policy is None:
        return None
    return policy_accept(actor=user, policy=policy, request=request)


def consent_grant(*, actor: Any, purpose: str, request: Any = None) -> Consent:
    """The person opts in to an optional purpose (e.g. face search)."""
    if purpose not in purposes.items:
        raise ApplicationError(errors.PURPOSE_UNKNOWN, status=404)
    if purpose == ACCOUNT:
        raise ApplicationError(errors.PURPOSE_REQUIRED)
    with transaction.atomic():
        existing = Consent.objects.filter(
            user=actor, purpose=purpose, withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        consent = Consent.objects.create(
            user=actor,
            purpose=purpose,
            policy=current_policy(),
            granted_at=timezone.now(),
            **_request_details(request),
        )
        audit.record(
            actor=actor, action="privacy.consent_grant", obj=consent, changes={"purpose": purpose}
        )
    return consent


def consent_withdraw(*, actor: Any, purpose: str) -> int:
    """Withdraws the person's consent to an optional purpose; modules asking
    `has_consent(user, purpose)` get False from now on. Returns the rows withdrawn."""
    if purpose not in purposes.items:
        raise ApplicationError(errors.PURPOSE_UNKNOWN, status=404)
    if purpose == ACCOUNT:
        raise ApplicationError(errors.PURPOSE_REQUIRED)
    with transaction.atomic():
        count = Consent.objects.filter(
            user=actor, purpose=purpose, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if count:
            audit.record(
                actor=actor,
                action="privacy.consent_withdraw",
                obj=actor,
                changes={"purpose": purpose},
            )
    return count
