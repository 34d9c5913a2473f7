"""Signed links to a gift's thank-you page: a public donor has no account, so the page and the
certificate open for whoever holds the link (given after payment and in the thank-you email),
never by guessing a number."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from xiaoyou.donations.models import Donation

LINK_SALT = "xiaoyou.donations.gift-link"


def gift_token(donation: Donation) -> str:
    return signing.Signer(salt=LINK_SALT).signature(str(donation.pk))[:22]


def gift_token_valid(donation: Donation, token: str) -> bool:
    return bool(token) and constant_time_compare(token, gift_token(donation))


def gift_url(donation: Donation) -> str:
    return reverse("hall:donation_done", args=[donation.pk]) + f"?t={gift_token(donation)}"
