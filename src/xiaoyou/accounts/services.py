"""Account writes: verification texts under rate limits, failed sign-ins and lockout."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xiaoyou.accounts.errors import SMS_FAILED, SmsRateLimited
from xiaoyou.accounts.models import User
from xiaoyou.core import audit, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.sms import SmsError, SmsResult, get_backend

logger = logging.getLogger(__name__)


def _sms_rules(*, phone: str, ip: str | None) -> list[ratelimit.Rule]:
    rules = [
        ratelimit.Rule(f"sms:phone:{phone}", ratelimit.Rate.parse(rate))
        for rate in settings.SMS_CODE_RATE_PER_PHONE
    ]
    if ip:
        rules += [
            ratelimit.Rule(f"sms:ip:{ip}", ratelimit.Rate.parse(rate))
            for rate in settings.SMS_CODE_RATE_PER_IP
        ]
    return rules


def verification_sms_check(*, phone: str, ip: str | None) -> None:
    """Raises SmsRateLimited when a code to `phone` from `ip` would now be refused.

    Counts nothing: forms call it to show the error next to the field before anything is sent.
    """
    rule = ratelimit.blocking(_sms_rules(phone=phone, ip=ip))
    if rule is not None:
        raise SmsRateLimited(ratelimit.retry_after_rule(rule))


def verification_sms_send(
    *, phone: str, ip: str | None, template: str = "verification_code", params: dict[str, str]
) -> SmsResult:
    """Sends a code (or an account notice) to `phone`, within the per-phone and per-IP limits.

    Rule: no phone receives more than SMS_CODE_RATE_PER_PHONE and no address triggers more than
    SMS_CODE_RATE_PER_IP texts, whatever the flow (sign-up, sign-in, resend, change of number),
    so nobody can use the site to flood a number with texts (短信轰炸). A text the gateway
    refuses still counts: retrying at once would not help and would cost money.
    """
    rule = ratelimit.hit_all(_sms_rules(phone=phone, ip=ip))
    if rule is not None:
        logger.warning("sms refused by rate limit", extra={"rule": rule.rate, "template": template})
        raise SmsRateLimited(ratelimit.retry_after_rule(rule))
    try:
        return get_backend().send(phone=phone, template=template, params=params)
    except SmsError as exc:
        logger.error("sms failed", extra={"code": exc.code, "provider": exc.provider})
        raise ApplicationError(SMS_FAILED, status=502) from exc


def user_locked_until(user: User) -> datetime | None:
    """When a lockout is in force, its end; None otherwise."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


def user_login_failed(*, user: User) -> User:
    """Counts a wrong password; at ACCOUNT_LOCKOUT_THRESHOLD failures in a row the account is
    locked for ACCOUNT_LOCKOUT_SECONDS (ASVS 2.2.1), and the count starts again after that."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count", "locked_until"])
        if user.failed_login_count >= settings.ACCOUNT_LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + timedelta(seconds=settings.ACCOUNT_LOCKOUT_SECONDS)
            user.failed_login_count = 0
            user.save(update_fields=["locked_until", "failed_login_count"])
            audit.record(
                actor=None,
                action="user.locked",
                obj=user,
                changes={"locked_until": [None, user.locked_until.isoformat()]},
            )
    return user


def user_login_succeeded(*, user: User) -> User:
    """Clears the failure count after a successful sign-in."""
    if user.failed_login_count or user.locked_until:
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "locked_until"])
    return user
