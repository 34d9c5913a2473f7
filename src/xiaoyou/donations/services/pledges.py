"""月捐: monthly pledges. On its day each month an active pledge gets a gift waiting for payment
and its donor a reminder with the pay link (one per month: `last_period` is claimed by a
conditional UPDATE, so a rerun of the daily task bills nobody twice)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors
from xiaoyou.donations.models import DonationProject, Pledge, PledgeStatus

PLEDGE_DUE = "donations.pledge_due"


def register_notification_kinds() -> None:
    from django.utils.translation import gettext_lazy

    notifications.register_kind(
        PLEDGE_DUE,
        label=gettext_lazy("Your monthly gift is due"),
        default_channels=[notifications.Channel.IN_APP],
    )


@transaction.atomic
def pledge_create(
    *,
    actor: Any,
    project: DonationProject,
    amount: int,
    day_of_month: int,
    donor_name: str,
    is_anonymous: bool = False,
) -> Pledge:
    """A signed-in donor pledges `amount` fen every month on `day_of_month` (1-28)."""
    from xiaoyou.donations.services.giving import amount_check, project_is_open

    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    if not project_is_open(project) or not policy.can(actor, "give", project):
        raise ApplicationError(errors.NOT_OPEN, status=409)
    amount_check(project, amount)
    if not 1 <= day_of_month <= 28:
        raise ApplicationError(errors.PLEDGE_DAY_INVALID)
    donor_name = donor_name.strip()[:60]
    if not donor_name:
        raise ApplicationError(errors.NAME_REQUIRED)
    pledge = Pledge.objects.create(
        project=project,
        user=actor,
        amount=amount,
        day_of_month=day_of_month,
        donor_name=donor_name,
        is_anonymous=is_anonymous and project.allow_anonymous,
    )
    audit.record(
        actor=actor,
        action="donations.pledge.create",
        obj=pledge,
        changes={"amount": [None, amount]},
    )
    return pledge


@transaction.atomic
def pledge_cancel(*, actor: Any, pledge: Pledge) -> Pledge:
    policy.require(actor, "cancel", pledge)
    pledge.status = PledgeStatus.CANCELLED
    pledge.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="donations.pledge.cancel", obj=pledge)
    return pledge


def pledges_bill(*, today: Any = None) -> int:
    """Daily: the active pledges due today (or earlier this month, if a day was missed) get
    this month's gift and a reminder; returns how many were billed."""
    from xiaoyou.donations.services.giving import donation_start, project_is_open

    today = today or timezone.localdate()
    period = f"{today.year:04d}-{today.month:02d}"
    due = Pledge.objects.filter(status=PledgeStatus.ACTIVE, day_of_month__lte=today.day).exclude(
        last_period=period
    )
    billed = 0
    for pledge in due.select_related("project", "user"):
        if not project_is_open(pledge.project):
            continue
        with transaction.atomic():
            if (
                not Pledge.objects.filter(pk=pledge.pk)
                .exclude(last_period=period)
                .update(last_period=period)
            ):
                continue
            donation = donation_start(
                project=pledge.project,
                user=pledge.user,
                amount=pledge.amount,
                donor_name=pledge.donor_name,
                is_anonymous=pledge.is_anonymous,
                pledge=pledge,
            )
            notifications.notify(
                user=pledge.user,
                kind=PLEDGE_DUE,
                context={
                    "project": pledge.project.title,
                    "amount_yuan": f"{pledge.amount / 100:.2f}",
                    "url": reverse("hall:pay", args=[donation.payment.out_trade_no])
                    if donation.payment
                    else "",
                },
            )
        billed += 1
    return billed
