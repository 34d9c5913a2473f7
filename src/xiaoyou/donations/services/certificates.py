"""捐赠证书: a numbered PDF certificate for each paid gift, with the school's seal and a QR code
that opens a public verification page (its URL carries a signature of the number, so numbers
cannot be enumerated)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations import errors
from xiaoyou.donations.models import Donation, DonationStatus
from xiaoyou.payments.money import format_yuan

SIGNING_SALT = "xiaoyou.donations.certificate"
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "兆"]


def amount_in_capitals(fen: int) -> str:
    """人民币大写 of an amount in fen, as on Chinese financial documents: 5000 -> 伍拾元整,
    12345 -> 壹佰贰拾叁元肆角伍分, 100000005 -> 壹佰万元零伍分."""
    if fen < 0:
        raise ValueError("negative amount")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    text = _integer_in_capitals(yuan) + "元" if yuan else ""
    if not jiao and not fen_digit:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text


def _integer_in_capitals(number: int) -> str:
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _group_in_capitals(group) + BIG_UNITS[index]
        pending_zero = False
    return text


def _group_in_capitals(group: int) -> str:
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def certificate_signature(number: str) -> str:
    return signing.Signer(salt=SIGNING_SALT).signature(number)[:16]


def certificate_verify_url(number: str) -> str:
    return reverse("hall:donation_certificate_verify", args=[number]) + (
        f"?s={certificate_signature(number)}"
    )


def certificate_check(number: str, signature: str) -> Donation | None:
    """The paid gift with this certificate number when the signature matches, else None."""
    if not constant_time_compare(certificate_signature(number), signature or ""):
        return None
    return (
        Donation.objects.select_related("project", "project__org")
        .filter(certificate_number=number)
        .first()
    )


@dataclass(frozen=True)
class Certificate:
    number: str
    donor: str
    amount_yuan: str
    amount_capitals: str
    project: str
    organization: str
    school: str
    date: Any
    message: str
    seal_data_uri: str
    qr_data_uri: str
    is_refunded: bool


def _seal_data_uri(name: str) -> str:
    """The seal image: DONATIONS_SEAL_IMAGE (a PNG or SVG the school provides), else a drawn
    seal with the organization's name."""
    path = getattr(settings, "DONATIONS_SEAL_IMAGE", "")
    if path and Path(path).is_file():
        data = Path(path).read_bytes()
        kind = "image/svg+xml" if path.endswith(".svg") else "image/png"
        return f"data:{kind};base64,{base64.b64encode(data).decode()}"
    svg = render_to_string("donations/seal.svg", {"name": name[:16]})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def certificate_for(donation: Donation, *, base_url: str = "") -> Certificate:
    import segno

    from xiaoyou.core import branding

    if donation.status not in (DonationStatus.PAID, DonationStatus.REFUNDED) or not (
        donation.certificate_number
    ):
        raise ApplicationError(errors.NOT_PAID, status=409)
    number = donation.certificate_number
    brand = branding.current()
    org_name = donation.project.org.name
    qr = segno.make(base_url + certificate_verify_url(number), error="m")
    return Certificate(
        number=number,
        donor=donation.donor_name,
        amount_yuan=format_yuan(donation.amount),
        amount_capitals=amount_in_capitals(donation.amount),
        project=donation.project.title,
        organization=org_name,
        school=brand.school_name,
        date=timezone.localtime(donation.paid_at or donation.created_at).date(),
        message=donation.message,
        seal_data_uri=_seal_data_uri(org_name),
        qr_data_uri=qr.png_data_uri(scale=4, border=1),
        is_refunded=donation.status == DonationStatus.REFUNDED,
    )


def certificate_pdf(donation: Donation, *, base_url: str = "") -> bytes:
    """The gift's certificate as a one-page A5 landscape PDF."""
    from xiaoyou.core.pdf import html_to_pdf

    certificate = certificate_for(donation, base_url=base_url)
    return html_to_pdf(
        render_to_string("donations/certificate_pdf.html", {"certificate": certificate})
    )
