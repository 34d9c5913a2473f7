"""Vouchers by application and approval (申请发放): a card holder applies, an admin of the
programme's association decides in the core review queue (待办事项), approval issues one."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from xiaoyou.cards import errors
from xiaoyou.cards.models import (
    ApplicationStatus,
    VoucherApplication,
    VoucherSource,
    VoucherType,
)
from xiaoyou.cards.selectors import card_of, eligible_record
from xiaoyou.core import audit, reviews
from xiaoyou.core.errors import ApplicationError

REVIEW_KIND = "cards.voucher_application"


def register() -> None:
    reviews.register(
        REVIEW_KIND,
        model=VoucherApplication,
        label=gettext_lazy("Voucher applications"),
        on_approve=_approve,
        on_reject=_reject,
        summary=lambda application: f"{application.user} · {application.voucher_type.name}",
        details=lambda application: [
            (gettext_lazy("Voucher type"), application.voucher_type.name),
            (gettext_lazy("Value"), application.voucher_type.value),
            (gettext_lazy("Partner"), application.voucher_type.partner.name),
            (gettext_lazy("Reason"), application.reason),
        ],
    )


def voucher_apply(*, actor: Any, voucher_type: VoucherType, reason: str = "") -> VoucherApplication:
    """A card holder applies once per voucher type open to applications; queued for review."""
    program = voucher_type.program
    card = card_of(actor, program)
    if card is None or card.revoked_at is not None or eligible_record(actor, program) is None:
        raise ApplicationError(errors.NOT_ELIGIBLE, status=403)
    if not (voucher_type.is_active and voucher_type.is_open_to_applications):
        raise ApplicationError(errors.VOUCHER_TYPE_INACTIVE)
    try:
        with transaction.atomic():
            application = VoucherApplication.objects.create(
                voucher_type=voucher_type, user=actor, reason=reason.strip()[:200]
            )
            reviews.review_submit(obj=application, submitter=actor, org=program.org)
            audit.record(
                actor=actor, action="cards.voucher_apply", obj=application, org=program.org
            )
    except IntegrityError:
        raise ApplicationError(errors.ALREADY_APPLIED, status=409) from None
    return application


def _approve(application: VoucherApplication, *, item: Any, actor: Any, reason: str) -> None:
    from xiaoyou.cards.services.vouchers import issue_one

    voucher = issue_one(
        application.voucher_type, application.user, source=VoucherSource.APPLICATION, actor=actor
    )
    application.status = ApplicationStatus.APPROVED
    application.voucher = voucher
    application.save(update_fields=["status", "voucher", "updated_at"])


def _reject(application: VoucherApplication, *, item: Any, actor: Any, reason: str) -> None:
    application.status = ApplicationStatus.REJECTED
    application.save(update_fields=["status", "updated_at"])
