"""Helpers of the organization management tests: console sign-in, images, memberships."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xiaoyou.organizations.models import Membership, MembershipStatus, Organization


def console_login(client: Any, user: Any) -> None:
    """Staff need a TOTP authenticator to use the console; give them one, then sign in."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client.force_login(user)


def image_upload(
    name: str = "logo.png", *, image_format: str = "PNG", size: tuple[int, int] = (64, 64)
) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(buffer, format=image_format)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}.get(
        image_format, "application/octet-stream"
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def local(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    """An aware datetime in China Standard Time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def member(
    org: Organization,
    *,
    joined: dt.datetime,
    user: Any = None,
    record: Any = None,
    phone: str = "",
    name: str = "校友",
    status: str = MembershipStatus.ACTIVE,
) -> Membership:
    return Membership.objects.create(
        org=org,
        user=user,
        alumni_record=record,
        name=name,
        phone=phone,
        status=status,
        joined_at=joined,
    )
