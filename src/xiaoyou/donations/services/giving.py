"""捐赠: a gift from the hall, paid through the payments app; what paid and refunded mean.

A gift is a Donation waiting for payment with its PaymentOrder. When the order is paid the
gift becomes PAID by a conditional UPDATE (PENDING/CANCELLED -> PAID for that very order), and
only the call that moved it adds the amount to the project's totals — replayed notifications
and retried callbacks change nothing. A refund moves the gift's `refunded_amount` to the
order's by a conditional UPDATE on the old value and takes the difference off the totals, so
partial refunds add up and a replay takes nothing twice. The project's `raised_amount` is
therefore always the sum of the paid gifts net of refunds, in integer fen.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors, hooks
from xiaoyou.donations.models import Donation, DonationProject, DonationStatus, ProjectStatus
from xiaoyou.payments.money import format_yuan

MAX_MESSAGE = 200


def project_is_open(project: DonationProject) -> bool:
    now = timezone.now()
    if project.status != ProjectStatus.PUBLISHED:
        return False
    if project.starts_at and now < project.starts_at:
        return False
    return not (project.ends_at and now >= project.ends_at)


def amount_check(project: DonationProject, amount: int) -> None:
    """The amount rules of the project: at least its minimum, at most its online maximum, and
    one of the preset amounts when donors may not type their own."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApplicationError(errors.AMOUNT_TOO_SMALL, limit=format_yuan(project.min_amount))
    if not project.allow_custom_amount and amount not in (project.preset_amounts or []):
        raise ApplicationError(errors.AMOUNT_NOT_OFFERED)
    if amount < project.min_amount:
        raise ApplicationError(errors.AMOUNT_TOO_SMALL, limit=format_yuan(project.min_amount))
    if amount > project.max_amount:
        raise ApplicationError(errors.AMOUNT_TOO_LARGE, limit=format_yuan(project.max_amount))


def _class_year_of(user: Any) -> int | None:
    from xiaoyou.directory.selectors import own_record

    if not getattr(user, "is_authenticated", False):
        return None
    record = own_record(user)
    return getattr(record, "graduation_year", None) if record is not None else None


def donation_start(
    *,
    project: DonationProject,
    user: Any,
    amount: int,
    donor_name: str,
    phone: str = "",
    email: str = "",
    class_label: str = "",
    class_year: int | None = None,
    message: str = "",
    is_anonymous: bool = False,
    wants_receipt: bool = False,
    pledge: Any = None,
) -> Donation:
    """A gift of `amount` fen to `project` waiting for payment, with its payment order.

    Rules: the project takes gifts now (published, inside its dates) from this person (its
    visibility); the amount follows the project's rules; a name is given; anonymity only where
    the project allows it; a receipt needs a phone or an email to reach the donor. Donors may
    be signed in or not (public donors pay through the order's link).
    """
    from xiaoyou.core import policy
    from xiaoyou.payments.services.orders import order_create

    if not project_is_open(project):
        raise ApplicationError(errors.NOT_OPEN, status=409)
    if not policy.can(user, "give", project):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    amount_check(project, amount)
    donor_name = (donor_name or "").strip()[:60]
    if not donor_name:
        raise ApplicationError(errors.NAME_REQUIRED)
    if is_anonymous and not project.allow_anonymous:
        raise ApplicationError(errors.ANONYMOUS_NOT_ALLOWED)
    phone, email = phone.strip()[:20], email.strip()
    if wants_receipt and not (phone or email):
        raise ApplicationError(errors.CONTACT_REQUIRED)
    signed_in = getattr(user, "is_authenticated", False)
    with transaction.atomic():
        donation = Donation.objects.create(
            project=project,
            user=user if signed_in else None,
            donor_name=donor_name,
            phone=phone,
            email=email,
            class_label=class_label.strip()[:60],
            class_year=_class_year_of(user) or class_year,
            message=message.strip()[:MAX_MESSAGE],
            is_anonymous=is_anonymous,
            wants_receipt=wants_receipt,
            amount=amount,
            pledge=pledge,
        )
        order = order_create(
            payable=donation,
            amount=amount,
            subject=f"{project.title} · {donor_name}"[:120],
            org=project.org,
            payer=user if signed_in else None,
            metadata={"kind": "donation"},
        )
        donation.payment = order
        donation.save(update_fields=["payment", "updated_at"])
    return donation


def _donation_of(order: Any) -> Donation | None:
    return (
        Donation.objects.select_related("project")
        .filter(pk=order.payable_id, payment_id=order.pk)
        .first()
    )


def _is_first_gift(donation: Donation) -> bool:
    """No earlier paid gift by the same person (account, else phone, else email)."""
    others = Donation.objects.filter(
        status__in=[DonationStatus.PAID, DonationStatus.REFUNDED]
    ).exclude(pk=donation.pk)
    if donation.user_id:
        return not others.filter(user_id=donation.user_id).exists()
    if donation.phone:
        return not others.filter(phone=donation.phone).exists()
    if donation.email:
        return not others.filter(email__iexact=donation.email).exists()
    return True


def donation_paid(order: Any) -> None:
    """Payable callback: the gift's order is paid. Adds it to the project's totals exactly
    once, numbers its certificate and thanks the donor after commit."""
    from xiaoyou.donations.services import gratitude

    donation = _donation_of(order)
    if donation is None:
        return
    with transaction.atomic():
        moved = Donation.objects.filter(
            pk=donation.pk,
            payment_id=order.pk,
            status__in=[DonationStatus.PENDING, DonationStatus.CANCELLED],
        ).update(status=DonationStatus.PAID, paid_at=order.paid_at or timezone.now())
        if not moved:
            return  # already counted (a replay or a retried callback)
        year = timezone.localtime(order.paid_at or timezone.now()).year
        Donation.objects.filter(pk=donation.pk).update(
            certificate_number=f"JZ{year}-{donation.pk:06d}",
            is_first_gift=_is_first_gift(donation),
        )
        DonationProject.objects.filter(pk=donation.project_id).update(
            raised_amount=F("raised_amount") + donation.amount,
            donation_count=F("donation_count") + 1,
        )
        transaction.on_commit(lambda: gratitude.thank_after_commit(donation.pk))
        hooks.donation_paid.send(donation)


def donation_refunded(order: Any) -> None:
    """Payable callback: a refund of the gift's order went through. The gift's refunded amount
    follows the order's; the difference comes off the project's totals once."""
    order.refresh_from_db()
    donation = _donation_of(order)
    if donation is None or donation.status not in (DonationStatus.PAID, DonationStatus.REFUNDED):
        return
    refunded = min(int(order.refunded_amount), donation.amount)
    if refunded <= donation.refunded_amount:
        return
    fully = refunded >= donation.amount
    with transaction.atomic():
        moved = Donation.objects.filter(
            pk=donation.pk, refunded_amount=donation.refunded_amount
        ).update(
            refunded_amount=refunded,
            status=DonationStatus.REFUNDED if fully else DonationStatus.PAID,
        )
        if not moved:
            return  # another callback moved it first; it took the difference off
        DonationProject.objects.filter(pk=donation.project_id).update(
            raised_amount=F("raised_amount") - (refunded - donation.refunded_amount),
            donation_count=F("donation_count") - (1 if fully else 0),
        )


def describe(donation: Donation) -> str:
    return f"{donation.project.title} · {donation.donor_name}"
