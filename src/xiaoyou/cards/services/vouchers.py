"""Vouchers (电子券): types, check-in rules, issuing, redemption (one use) and expiry."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xiaoyou.cards import errors
from xiaoyou.cards.models import (
    CardProgram,
    Partner,
    ScanRecord,
    ScanResult,
    Voucher,
    VoucherRule,
    VoucherSource,
    VoucherStatus,
    VoucherType,
)
from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError

logger = logging.getLogger(__name__)

VOUCHER_ISSUED = "cards.voucher_issued"
TYPE_FIELDS = (
    "name",
    "kind",
    "value",
    "partner",
    "valid_from",
    "valid_until",
    "valid_days",
    "is_active",
    "is_open_to_applications",
)


def register_notification_kinds() -> None:
    notifications.register_kind(
        VOUCHER_ISSUED,
        label=gettext_lazy("You received a voucher"),
        default_channels=[notifications.Channel.IN_APP],
    )


def voucher_type_save(
    *,
    actor: Any,
    program: CardProgram,
    voucher_type: VoucherType | None = None,
    name: str,
    kind: str,
    value: str,
    partner: Partner,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    valid_days: int | None = None,
    is_active: bool = True,
    is_open_to_applications: bool = False,
) -> VoucherType:
    """Creates or changes a voucher type of `program`; its partner must be the programme's."""
    policy.require(actor, "manage", program)
    if partner.program_id != program.pk:
        raise ApplicationError(errors.VOUCHER_WRONG_PARTNER)
    if valid_from and valid_until and valid_until <= valid_from:
        raise ApplicationError(errors.VALIDITY_INVALID)
    created = voucher_type is None
    item = voucher_type or VoucherType(program=program)
    before = {} if created else audit.snapshot(item, TYPE_FIELDS)
    with transaction.atomic():
        item.name = name.strip()
        item.kind = kind
        item.value = value.strip()
        item.partner = partner
        item.valid_from = valid_from
        item.valid_until = valid_until
        item.valid_days = valid_days
        item.is_active = is_active
        item.is_open_to_applications = is_open_to_applications
        item.save()
        after = audit.snapshot(item, TYPE_FIELDS)
        audit.record(
            actor=actor,
            action="cards.voucher_type_create" if created else "cards.voucher_type_update",
            obj=item,
            org=program.org,
            changes=after if created else audit.diff(before, after),
        )
    return item


def voucher_rule_create(*, actor: Any, voucher_type: VoucherType, event: Any) -> VoucherRule:
    """发券规则: everyone checked in at `event` gets one voucher of `voucher_type`."""
    policy.require(actor, "manage", voucher_type)
    with transaction.atomic():
        rule, _created = VoucherRule.objects.get_or_create(
            voucher_type=voucher_type, event=event, defaults={"is_active": True}
        )
        if not rule.is_active:
            rule.is_active = True
            rule.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="cards.voucher_rule_create",
            obj=rule,
            org=voucher_type.program.org,
            changes={"event": event.pk, "voucher_type": voucher_type.pk},
        )
    return rule


def voucher_rule_delete(*, actor: Any, rule: VoucherRule) -> None:
    policy.require(actor, "manage", rule)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="cards.voucher_rule_delete",
            obj=rule,
            org=rule.voucher_type.program.org,
        )
        rule.delete()


def _expiry(voucher_type: VoucherType, now: datetime) -> datetime | None:
    ends = [voucher_type.valid_until] if voucher_type.valid_until else []
    if voucher_type.valid_days:
        ends.append(now + timedelta(days=voucher_type.valid_days))
    return min(ends) if ends else None


def _create(
    voucher_type: VoucherType,
    user: Any,
    *,
    source: str,
    actor: Any = None,
    rule: VoucherRule | None = None,
) -> Voucher:
    now = timezone.now()
    return Voucher.objects.create(
        voucher_type=voucher_type,
        user=user,
        source=source,
        rule=rule,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=_expiry(voucher_type, now),
    )


def issue_one(voucher_type: VoucherType, user: Any, *, source: str, actor: Any) -> Voucher:
    """One voucher for `user` (the caller checked the right to issue it), audited and told."""
    voucher = _create(voucher_type, user, source=source, actor=actor)
    audit.record(
        actor=actor,
        action="cards.voucher_issue",
        obj=voucher,
        org=voucher_type.program.org,
        changes={"user": user.pk, "voucher_type": voucher_type.pk, "source": source},
    )
    _tell_owner(voucher)
    return voucher


def voucher_issue(*, actor: Any, voucher_type: VoucherType, users: Iterable[Any]) -> list[Voucher]:
    """Staff assign one voucher each to chosen alumni; audited once per voucher."""
    policy.require(actor, "manage", voucher_type)
    if not voucher_type.is_active:
        raise ApplicationError(errors.VOUCHER_TYPE_INACTIVE)
    people = list(users)
    if not people:
        raise ApplicationError(errors.NO_RECIPIENTS)
    with transaction.atomic():
        return [
            issue_one(voucher_type, user, source=VoucherSource.STAFF, actor=actor)
            for user in people
        ]


def _tell_owner(voucher: Voucher) -> None:
    voucher_type = voucher.voucher_type
    notifications.notify(
        user=voucher.user,
        kind=VOUCHER_ISSUED,
        context={
            "voucher_name": voucher_type.name,
            "value": voucher_type.value,
            "partner_name": voucher_type.partner.name,
            "expires_at": (
                f"{timezone.localtime(voucher.expires_at):%Y-%m-%d %H:%M}"
                if voucher.expires_at
                else ""
            ),
        },
    )


def on_attendee_checked_in(registration: Any) -> None:
    """The `attendee_checked_in` subscriber (see events.hooks)."""
    vouchers_issue_for_checkin(registration)


def vouchers_issue_for_checkin(registration: Any) -> list[Voucher]:
    """Subscriber of events' `attendee_checked_in`: the event's rules issue their vouchers.

    Runs after the check-in committed; at most one voucher per rule and person (a unique
    constraint), so a repeated hook (offline sync, retries) issues nothing twice."""
    if registration.user_id is None:
        return []
    rules = VoucherRule.objects.filter(
        event_id=registration.event_id, is_active=True, voucher_type__is_active=True
    ).select_related("voucher_type", "voucher_type__partner", "voucher_type__program__org")
    issued = []
    for rule in rules:
        if Voucher.objects.filter(rule=rule, user_id=registration.user_id).exists():
            continue
        try:
            with transaction.atomic():
                voucher = _create(
                    rule.voucher_type, registration.user, source=VoucherSource.RULE, rule=rule
                )
                audit.record(
                    actor=None,
                    action="cards.voucher_issue_rule",
                    obj=voucher,
                    org=rule.voucher_type.program.org,
                    changes={"registration": registration.pk, "rule": rule.pk},
                )
                _tell_owner(voucher)
        except IntegrityError:
            continue  # issued by a concurrent delivery of the same hook
        issued.append(voucher)
    return issued


def voucher_redeem(
    *, actor: Any, voucher: Voucher, partner: Partner, scan: ScanRecord | None = None
) -> Voucher:
    """Uses a voucher once, at its own partner, before it expires.

    Claimed with one conditional UPDATE (status issued -> redeemed): when two phones redeem
    the same voucher at the same moment, exactly one UPDATE matches a row; the other is told
    the voucher is used."""
    policy.require(actor, "redeem", voucher)
    if voucher.voucher_type.partner_id != partner.pk:
        raise ApplicationError(errors.VOUCHER_WRONG_PARTNER)
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Voucher.objects.filter(pk=voucher.pk, status=VoucherStatus.ISSUED)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .update(
                status=VoucherStatus.REDEEMED,
                redeemed_at=now,
                redeemed_scan=scan,
                updated_at=now,
            )
        )
        voucher.refresh_from_db()
        if not claimed:
            if voucher.status == VoucherStatus.REDEEMED:
                raise ApplicationError(errors.VOUCHER_USED, status=409)
            raise ApplicationError(errors.VOUCHER_EXPIRED, status=409)
        if scan is not None:
            ScanRecord.objects.filter(pk=scan.pk).update(result=ScanResult.REDEEMED)
        audit.record(
            actor=actor,
            action="cards.voucher_redeem",
            obj=voucher,
            org=voucher.voucher_type.program.org,
            changes={"partner": partner.pk, "scan": scan.pk if scan else None},
        )
    return voucher


def vouchers_expire() -> int:
    """Marks issued vouchers past their end as expired (idempotent; a periodic task)."""
    now = timezone.now()
    return Voucher.objects.filter(status=VoucherStatus.ISSUED, expires_at__lte=now).update(
        status=VoucherStatus.EXPIRED, updated_at=now
    )
