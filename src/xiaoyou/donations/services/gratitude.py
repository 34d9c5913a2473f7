"""感恩: thanking donors at once and again later.

- At once: when a gift is paid, the donor is thanked once (claimed by a conditional UPDATE of
  `thanked_at`, so retried tasks never thank twice): signed-in donors get the in-app message
  (and email/SMS per their preferences) through core notifications; every donor who gave an
  email gets the thank-you email with the certificate attached. The text is the project's own
  (`thank_you_text`, with {name}, {amount}, {project}) or the platform's.
- Later: on the anniversary of a gift (a daily task), and when the project's staff post a
  progress update or a usage report (to every donor of the project, once per person).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.core import notifications
from xiaoyou.donations.links import gift_url
from xiaoyou.donations.models import Donation, DonationProject, DonationStatus
from xiaoyou.payments.money import format_yuan

THANK_YOU = "donations.thank_you"
ANNIVERSARY = "donations.anniversary"
PROJECT_UPDATE = "donations.project_update"


def register_notification_kinds() -> None:
    channels = [notifications.Channel.IN_APP]
    notifications.register_kind(
        THANK_YOU, label=gettext_lazy("Thank you for your gift"), default_channels=channels
    )
    notifications.register_kind(
        ANNIVERSARY, label=gettext_lazy("Anniversary of your gift"), default_channels=channels
    )
    notifications.register_kind(
        PROJECT_UPDATE,
        label=gettext_lazy("News of projects you gave to"),
        default_channels=channels,
    )


def thank_you_text(donation: Donation) -> str:
    """The project's thank-you text (or the platform's), personalized."""
    template = donation.project.thank_you_text.strip() or _(
        "Dear {name}, thank you for your gift of {amount} yuan to {project}. Every gift from an"
        " alumnus makes our school stronger."
    )
    values = {
        "name": donation.donor_name,
        "amount": format_yuan(donation.amount),
        "project": donation.project.title,
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a stray brace in staff's text: send it as is
        return template


def thank_after_commit(donation_id: int) -> None:
    from xiaoyou.donations.tasks import donation_thank

    donation_thank.delay(donation_id)


def donation_thank(*, donation_id: int) -> bool:
    """Thanks the donor of a paid gift once; False when already thanked (or not paid)."""
    claimed = Donation.objects.filter(
        pk=donation_id, status=DonationStatus.PAID, thanked_at__isnull=True
    ).update(thanked_at=timezone.now())
    if not claimed:
        return False
    donation = Donation.objects.select_related("project", "project__org", "user").get(
        pk=donation_id
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            text = thank_you_text(donation)
            url = gift_url(donation)
            if donation.user is not None:
                with transaction.atomic():
                    notifications.notify(
                        user=donation.user,
                        kind=THANK_YOU,
                        context={"text": text, "url": url, "project": donation.project.title},
                    )
            if donation.email:
                _thank_by_email(donation, text)
    except Exception:
        # Give the claim back so the task's retry thanks the donor.
        Donation.objects.filter(pk=donation_id).update(thanked_at=None)
        raise
    return True


def _thank_by_email(donation: Donation, text: str) -> None:
    from xiaoyou.donations.services.certificates import certificate_pdf

    base = getattr(settings, "SITE_URL", "").rstrip("/")
    message = EmailMessage(
        subject=_("Thank you for your gift to %(project)s") % {"project": donation.project.title},
        body=text
        + "\n\n"
        + _("Your donation certificate is attached (number %(number)s).")
        % {"number": donation.certificate_number}
        + "\n"
        + base
        + gift_url(donation),
        to=[donation.email],
    )
    message.attach(
        f"certificate-{donation.certificate_number}.pdf",
        certificate_pdf(donation, base_url=base),
        "application/pdf",
    )
    message.send()


def anniversaries_send(*, today: dt.date | None = None) -> int:
    """Daily: signed-in donors whose gift was paid on this day in an earlier year are thanked
    again (once a day per person, whatever the number of gifts)."""
    today = today or timezone.localdate()
    gifts = (
        Donation.objects.filter(
            status=DonationStatus.PAID,
            user__isnull=False,
            paid_at__month=today.month,
            paid_at__day=today.day,
            paid_at__year__lt=today.year,
        )
        .select_related("project", "user")
        .order_by("user_id", "paid_at")
    )
    sent = 0
    seen: set[int] = set()
    for gift in gifts:
        if gift.user is None or gift.user.pk in seen:
            continue
        seen.add(gift.user.pk)
        years = today.year - timezone.localtime(gift.paid_at).year if gift.paid_at else 1
        with transaction.atomic():
            notifications.notify(
                user=gift.user,
                kind=ANNIVERSARY,
                context={
                    "years": years,
                    "project": gift.project.title,
                    "url": reverse("hall:donation_project", args=[gift.project_id]),
                },
            )
        sent += 1
    return sent


def project_donor_users(project: DonationProject) -> Any:
    from django.contrib.auth import get_user_model

    ids = (
        Donation.objects.filter(project=project, status=DonationStatus.PAID, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def project_update_notify(*, project: DonationProject, title: str, url: str) -> int:
    """Tells every signed-in donor of the project (once each) about an update or a report."""
    count = 0
    for user in project_donor_users(project).iterator():
        with transaction.atomic():
            notifications.notify(
                user=user,
                kind=PROJECT_UPDATE,
                context={"project": project.title, "title": title, "url": url},
            )
        count += 1
    return count
