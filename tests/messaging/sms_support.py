"""Fixtures of the SMS tests: the Aliyun and Tencent emulators with the campaign and birthday
templates approved, a school quota with allocations, and a campaign builder."""

from __future__ import annotations

import pytest

from tests.emulators.aliyun_sms import AliyunSmsEmulator
from tests.emulators.tencent_sms import TencentSmsEmulator

SIGN = "示范校友会"


@pytest.fixture
def aliyun(settings):
    emulator = AliyunSmsEmulator(
        access_keys={"LTAI5tEmulatorKey": "emulator-secret"},
        templates={"SMS_200000001", "SMS_200000002"},
        sign_names={SIGN},
    )
    with emulator:
        settings.SMS_BACKEND = "aliyun"
        settings.SMS_ALIYUN_ENDPOINT = emulator.url + "/"
        settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tEmulatorKey"
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "emulator-secret"
        settings.SMS_SIGN_NAME = SIGN
        settings.SMS_TEMPLATES = {
            "campaign": "SMS_200000001:text",
            "birthday_greeting": "SMS_200000002:text",
        }
        settings.MESSAGING_SMS_RATE_DEFAULT = 1000
        settings.MESSAGING_SMS_CALLBACK_TOKEN = "receipt-token"
        yield emulator


@pytest.fixture
def tencent(settings):
    emulator = TencentSmsEmulator(
        secrets={"AKIDEmulator0000": "emulator-secret-key"},
        sdk_app_ids={"1400000001"},
        templates={"3000001": 1, "3000002": 1},
        sign_names={SIGN},
    )
    with emulator:
        settings.SMS_BACKEND = "tencent"
        settings.SMS_TENCENT_ENDPOINT = emulator.url + "/"
        settings.SMS_TENCENT_SECRET_ID = "AKIDEmulator0000"
        settings.SMS_TENCENT_SECRET_KEY = "emulator-secret-key"
        settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
        settings.SMS_SIGN_NAME = SIGN
        settings.SMS_TEMPLATES = {
            "campaign": "3000001:text",
            "birthday_greeting": "3000002:text",
        }
        settings.MESSAGING_SMS_RATE_DEFAULT = 1000
        settings.MESSAGING_SMS_CALLBACK_TOKEN = "receipt-token"
        yield emulator


def allocate(actor, org, amount, *, year=None, total=None):
    from xiaoyou.messaging.services.quota import allocation_set, local_today, quota_set

    year = year or local_today().year
    if total is not None:
        quota_set(actor=actor, year=year, total=total)
    return allocation_set(actor=actor, org=org, year=year, allocated=amount)


def upload_campaign(
    actor, org, phones, *, body="{name}校友您好，校友会年会12月举行。", name="年会通知"
):
    from xiaoyou.messaging.services.sms_campaigns import campaign_create

    recipients = [
        {"name": f"校友{i}", "phone": phone, "email": ""} for i, phone in enumerate(phones)
    ]
    return campaign_create(
        actor=actor,
        org=org,
        name=name,
        body=body,
        audience_kind="upload",
        audience_params={"recipients": recipients},
    )


def phones(count, start=0):
    return [f"139{start + i:08d}" for i in range(count)]


def console_login(client, user):
    """Signs `user` in; staff get a TOTP authenticator, without which the console is closed."""
    from allauth.mfa.models import Authenticator

    if user.is_staff or user.is_superuser:
        Authenticator.objects.get_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
        )
    client.force_login(user)
    return client


def give_sms(org, segments, *, year=None):
    """Allocates `segments` of this year's school quota to `org` as a trusted command would (the
    way texts sent for an organization are paid: invitations, event notices, campaigns)."""
    return allocate(None, org, segments, year=year)


def sms_allocation(org, *, year=None):
    """The organization's allocation of `year` (default this year), fresh from the database."""
    from xiaoyou.messaging.models import SmsAllocation
    from xiaoyou.messaging.services.quota import local_today

    return SmsAllocation.objects.get(org=org, quota__year=year or local_today().year)


def school_language_segments(template, params):
    """Billed segments of a logical SMS template's development text in the school's default
    language, signature included: what the services reserve and charge per message."""
    from django.conf import settings
    from django.utils import translation

    from xiaoyou.core.sms.base import render_text
    from xiaoyou.messaging.sms_text import billed_segments

    with translation.override(settings.LANGUAGE_CODE):
        return billed_segments(render_text(template, params))
