"""Scanning a partner's authorization QR (使用云卡) and the key-alumni alert (重点校友提醒)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xiaoyou.cards.models import Card, CardProgram, Partner, ScanRecord, ScanResult
from xiaoyou.cards.selectors import card_of, eligible_record
from xiaoyou.core import notifications
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import OrgRole, Role

KEY_ALUMNUS_SCAN = "cards.key_alumnus_scan"


def register_notification_kinds() -> None:
    notifications.register_kind(
        KEY_ALUMNUS_SCAN,
        label=gettext_lazy("A key alumnus used the cloud card"),
        default_channels=[
            notifications.Channel.IN_APP,
            notifications.Channel.SMS,
            notifications.Channel.WECHAT,
        ],
        description=gettext_lazy("Sent to the card's responsible staff at once."),
    )


@dataclass(frozen=True)
class ScanOutcome:
    scan: ScanRecord
    card: Card | None


def _holder_card(user: Any, program: CardProgram) -> Card | None:
    """The user's live card, claiming it on the spot when they are eligible but have none."""
    from xiaoyou.cards.services.cards import card_claim

    card = card_of(user, program)
    if card is not None:
        if card.revoked_at is not None or eligible_record(user, program) is None:
            return None
        return card
    try:
        return card_claim(actor=user, program=program)
    except ApplicationError:
        return None


def scan_record(*, user: Any, partner: Partner) -> ScanOutcome:
    """Records that `user` (maybe anonymous) opened `partner`'s QR, with the result they saw.

    Every scan is kept, including those of visitors who are not (yet) card holders. When the
    holder is a key alumnus, the programme's responsible staff are notified in the same
    transaction (in-app at once; SMS and other channels are queued on commit)."""
    program = partner.program
    card: Card | None = None
    is_signed_in = bool(getattr(user, "is_authenticated", False))
    if is_signed_in:
        card = _holder_card(user, program)
    if not is_signed_in:
        result = ScanResult.ANONYMOUS
    elif card is None:
        result = ScanResult.NOT_ELIGIBLE
    else:
        result = ScanResult.SHOWN
    record = card.record if card is not None else None
    if card is not None:
        record = eligible_record(user, program) or record
    with transaction.atomic():
        scan = ScanRecord.objects.create(
            partner=partner,
            user=user if is_signed_in else None,
            card=card,
            holder_name=(record.name if record is not None else "")
            or (getattr(user, "display_name", "") if is_signed_in else ""),
            result=result,
            is_key_alumnus=bool(record is not None and record.is_key_alumnus),
        )
        if scan.is_key_alumnus:
            _alert_staff(program=program, scan=scan, record=record)
    return ScanOutcome(scan=scan, card=card)


def alert_recipients(program: CardProgram) -> list[Any]:
    """Who hears of a key alumnus's scan: the chosen staff, else the association's admins."""
    chosen = list(program.alert_recipients.filter(is_active=True))
    if chosen:
        return chosen
    user_ids = OrgRole.objects.filter(
        org=program.org, role__in=[Role.ADMIN, Role.PRESIDENT]
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def _alert_staff(*, program: CardProgram, scan: ScanRecord, record: Any) -> None:
    when = timezone.localtime(scan.created_at)
    context = {
        "name": scan.holder_name,
        "class_label": _class_label(record),
        "partner_name": scan.partner.name,
        "partner_address": scan.partner.address,
        "time": f"{when:%Y-%m-%d %H:%M}",
        "url": reverse("console:card_scans") + f"?q={scan.holder_name}",
    }
    for staff in alert_recipients(program):
        notifications.notify(user=staff, kind=KEY_ALUMNUS_SCAN, context=context)


def _class_label(record: Any) -> str:
    if record is None:
        return ""
    parts = [
        str(record.graduation_year or record.enrollment_year or ""),
        record.department.name if record.department_id else "",
        record.class_name,
    ]
    return " ".join(part for part in parts if part)


def scan_record_at_desk(*, actor: Any, partner: Partner, card: Card) -> ScanRecord:
    """A partner's staff scanned a holder's live card at their desk: a scan at that partner."""
    from django.core.exceptions import PermissionDenied

    from xiaoyou.cards.policy import is_partner_staff

    if not is_partner_staff(actor, partner):
        raise PermissionDenied("not this partner's staff")
    record = card.record
    with transaction.atomic():
        scan = ScanRecord.objects.create(
            partner=partner,
            user=card.user,
            card=card,
            holder_name=record.name if record is not None else str(card.user),
            result=ScanResult.SHOWN,
            is_key_alumnus=bool(record is not None and record.is_key_alumnus),
        )
        if scan.is_key_alumnus:
            _alert_staff(program=partner.program, scan=scan, record=record)
    return scan
