"""月捐: monthly pledges. On its day each month an active pledge gets a gift waiting for payment
and its donor a reminder with the pay link (one per month: `last_period` is claimed by a
conditional UPDATE, so a rerun of the daily task bills nobody twice).

The donor pauses, resumes or cancels their own pledge; a paused or cancelled pledge is never
billed. A person has at most one live (active or paused) pledge per project."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors
from xiaoyou.donations.models import DonationProject, Pledge, PledgeStatus

PLEDGE_DUE = "donations.pledge_due"
LIVE = (PledgeStatus.ACTIVE, PledgeStatus.PAUSED)


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
    if Pledge.objects.filter(project=project, user=actor, status__in=LIVE).exists():
        raise ApplicationError(errors.PLEDGE_EXISTS, status=409)
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
        org=project.org,
        changes={"amount": [None, amount]},
    )
    return pledge


def _period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _lock(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().get(pk=pledge.pk)


def _set_status(
    *, actor: Any, pledge: Pledge, action: str, allowed_from: tuple[str, ...]
) -> Pledge:
    policy.require(actor, "cancel", pledge)
    locked = _lock(pledge)
    before = locked.status
    if before not in allowed_from:
        raise ApplicationError(errors.PLEDGE_STATE, status=409)
    after = {
        "pause": PledgeStatus.PAUSED,
        "resume": PledgeStatus.ACTIVE,
        "cancel": PledgeStatus.CANCELLED,
    }[action]
    locked.status = after
    fields = ["status", "updated_at"]
    if action == "resume":
        # Resuming after this month's day bills from next month: the donor chose to skip
        # the months it was paused, so no late gift appears the morning after resuming.
        today = timezone.localdate()
        if today.day > locked.day_of_month and locked.last_period != _period(today):
            locked.last_period = _period(today)
            fields.append("last_period")
    locked.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=f"donations.pledge.{action}",
        obj=locked,
        org=locked.project.org,
        changes={"status": [before, after]},
    )
    return locked


@transaction.atomic
def pledge_pause(*, actor: Any, pledge: Pledge) -> Pledge:
    """The donor pauses their active pledge: no gift is billed until they resume it."""
    return _set_status(
        actor=actor, pledge=pledge, action="pause", allowed_from=(PledgeStatus.ACTIVE,)
    )


@transaction.atomic
def pledge_resume(*, actor: Any, pledge: Pledge) -> Pledge:
    """The donor resumes their paused pledge; a month whose day has passed is skipped."""
    return _set_status(
        actor=actor, pledge=pledge, action="resume", allowed_from=(PledgeStatus.PAUSED,)
    )


@transaction.atomic
def pledge_cancel(*, actor: Any, pledge: Pledge) -> Pledge:
    """The donor ends their pledge for good (a gift already billed stays payable)."""
    return _set_status(actor=actor, pledge=pledge, action="cancel", allowed_from=LIVE)


def next_billing_date(pledge: Pledge, today: dt.date | None = None) -> dt.date | None:
    """When the daily task next bills the pledge: its day this month unless this month is
    billed (then next month); a day already passed but not billed is billed at the next run
    (today). None for a paused or cancelled pledge."""
    if pledge.status != PledgeStatus.ACTIVE:
        return None
    today = today or timezone.localdate()
    if pledge.last_period != _period(today):
        return max(today, today.replace(day=pledge.day_of_month))
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.date(year, month, pledge.day_of_month)


def pledges_bill(*, today: Any = None) -> int:
    """Daily: the active pledges due today (or earlier this month, if a day was missed) get
    this month's gift and a reminder; returns how many were billed."""
    from xiaoyou.donations.services.giving import donation_start, project_is_open

    today = today or timezone.localdate()
    period = _period(today)
    due = Pledge.objects.filter(status=PledgeStatus.ACTIVE, day_of_month__lte=today.day).exclude(
        last_period=period
    )
    billed = 0
    for pledge in due.select_related("project", "user"):
        if not project_is_open(pledge.project):
            continue
        with transaction.atomic():
            if (
                not Pledge.objects.filter(pk=pledge.pk, status=PledgeStatus.ACTIVE)
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
