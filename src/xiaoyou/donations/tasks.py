"""Celery tasks of donations: each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

DONATION_THANK = "xiaoyou.donations.donation_thank"
ANNIVERSARIES = "xiaoyou.donations.anniversaries"
PLEDGES_BILL = "xiaoyou.donations.pledges_bill"
PROJECT_UPDATE_NOTIFY = "xiaoyou.donations.project_update_notify"


@shared_task(
    name=DONATION_THANK,
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=5,
    default_retry_delay=60,
)
def donation_thank(self, donation_id: int) -> bool:  # type: ignore[no-untyped-def]
    from xiaoyou.donations.services.gratitude import donation_thank as thank

    try:
        return thank(donation_id=donation_id)
    except OSError as error:  # the mail server is away: try again later
        raise self.retry(exc=error) from error


@shared_task(name=ANNIVERSARIES, ignore_result=True)
def anniversaries() -> int:
    from xiaoyou.donations.services.gratitude import anniversaries_send

    return anniversaries_send()


@shared_task(name=PLEDGES_BILL, ignore_result=True)
def pledges_bill() -> int:
    from xiaoyou.donations.services.pledges import pledges_bill as bill

    return bill()


@shared_task(name=PROJECT_UPDATE_NOTIFY, acks_late=True, ignore_result=True)
def project_update_notify(project_id: int, title: str, url: str) -> int:
    from xiaoyou.donations.models import DonationProject
    from xiaoyou.donations.services.gratitude import project_update_notify as notify

    project = DonationProject.objects.filter(pk=project_id).first()
    return notify(project=project, title=title, url=url) if project is not None else 0


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "donations.anniversaries",
        ANNIVERSARIES,
        crontab="0 9 * * *",
        description="Donations: thank donors again on the anniversary of their gift.",
    )
    schedules.schedule(
        "donations.pledges",
        PLEDGES_BILL,
        crontab="0 8 * * *",
        description="Donations: monthly pledges due today get their gift and a reminder to pay.",
    )
