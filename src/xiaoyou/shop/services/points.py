"""积分: the points ledger and the rules that award points.

A balance moves only together with a ledger entry, in one transaction, by a conditional UPDATE:
a debit applies only `WHERE balance >= points`, so two concurrent spends of the same points
cannot both succeed and the CHECK constraint (balance >= 0) never has to fire. Every entry
names its cause (`source`), unique per account: awarding twice for the same check-in, or
debiting or refunding the same order twice, writes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.shop import errors
from xiaoyou.shop.models import PointsAccount, PointsEntry, PointsRule, PointsRuleAction


def account_for(user: Any) -> PointsAccount:
    account, _created = PointsAccount.objects.get_or_create(user=user)
    return account


def _move(*, user: Any, points: int, reason: str, source: str) -> PointsEntry | None:
    with transaction.atomic():
        account = account_for(user)
        if PointsEntry.objects.filter(account=account, source=source).exists():
            return None
        try:
            with transaction.atomic():
                entry = PointsEntry.objects.create(
                    account=account,
                    points=points,
                    balance_after=0,
                    reason=reason[:200],
                    source=source[:80],
                )
        except IntegrityError:  # the same cause, written concurrently by another worker
            return None
        moved = PointsAccount.objects.filter(
            pk=account.pk, **({"balance__gte": -points} if points < 0 else {})
        ).update(balance=F("balance") + points)
        if not moved:
            raise ApplicationError(errors.POINTS_NOT_ENOUGH, status=409)
        entry.balance_after = PointsAccount.objects.values_list("balance", flat=True).get(
            pk=account.pk
        )
        entry.save(update_fields=["balance_after"])
    return entry


def points_credit(*, user: Any, points: int, reason: str, source: str) -> PointsEntry | None:
    """Adds `points` (> 0) for `source`; None when that source was already credited."""
    if points <= 0:
        raise ValueError("a credit is positive")
    return _move(user=user, points=points, reason=reason, source=source)


def points_debit(*, user: Any, points: int, reason: str, source: str) -> PointsEntry | None:
    """Takes `points` (> 0) for `source`. Rule: never below zero (POINTS_NOT_ENOUGH, the
    caller's transaction rolls back); None when that source was already debited."""
    if points <= 0:
        raise ValueError("a debit is positive")
    return _move(user=user, points=-points, reason=reason, source=source)


def rule_for(*, action: str, org: Any) -> PointsRule | None:
    """The active rule for `action` of `org`, else of its nearest ancestor."""
    seen: set[int] = set()
    while org is not None and org.pk not in seen:
        seen.add(org.pk)
        rule = PointsRule.objects.filter(org=org, action=action, is_active=True).first()
        if rule is not None:
            return rule
        org = org.parent
    return None


def points_award(*, action: str, org: Any, user: Any, source: str) -> PointsEntry | None:
    """Awards the points of `org`'s rule for `action` to `user`, once per (rule, `source`):
    the source names the object that earned them ("registration:12", "donation:7")."""
    if user is None:
        return None
    rule = rule_for(action=action, org=org)
    if rule is None:
        return None
    return points_credit(
        user=user,
        points=rule.points,
        reason=str(rule.get_action_display()),
        source=f"rule{rule.pk}:{source}",
    )


def points_rule_save(
    *, actor: Any, org: Any, action: str, points: int, is_active: bool
) -> PointsRule:
    """Creates or changes `org`'s rule for `action` (org admins; audited)."""
    if action not in PointsRuleAction.values:
        raise ApplicationError("invalid_input")
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise ApplicationError("invalid_input")
    policy.require(actor, "manage", PointsRule, org=org)
    with transaction.atomic():
        rule = PointsRule.objects.select_for_update().filter(org=org, action=action).first()
        before = audit.snapshot(rule, ["points", "is_active"]) if rule else {}
        if rule is None:
            rule = PointsRule.objects.create(
                org=org, action=action, points=points, is_active=is_active
            )
        else:
            rule.points, rule.is_active = points, is_active
            rule.save(update_fields=["points", "is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="shop.points_rule.save",
            obj=rule,
            changes=audit.diff(before, audit.snapshot(rule, ["points", "is_active"])),
        )
    return rule


# --- Hook subscribers -------------------------------------------------------------------------


def on_attendee_checked_in(registration: Any) -> None:
    """events' `attendee_checked_in`: points for attending, once per registration."""
    if not registration.user_id:
        return
    points_award(
        action=PointsRuleAction.EVENT_ATTENDED,
        org=registration.event.org,
        user=registration.user,
        source=f"registration:{registration.pk}",
    )


def on_donation_paid(donation: Any) -> None:
    """donations' `donation_paid`: points for giving, once per gift."""
    if not donation.user_id:
        return
    points_award(
        action=PointsRuleAction.DONATION_PAID,
        org=donation.project.org,
        user=donation.user,
        source=f"donation:{donation.pk}",
    )


def on_profile_completed(record: Any) -> None:
    """alumni's `profile_completed`: points for completing one's profile, once per record
    (the ledger's source is the record, so filling the profile in again earns nothing)."""
    if not record.user_id:
        return
    points_award(
        action=PointsRuleAction.PROFILE_COMPLETED,
        org=record.org,
        user=record.user,
        source=f"alumni_record:{record.pk}",
    )
