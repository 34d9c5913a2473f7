"""Birthday greetings (生日祝福): settings per organization and the daily run.

Rules:
- An organization's admins set its greetings: on or off, channels (SMS, email, WeChat), the
  texts ({name}, {org}) and the time of day (Asia/Shanghai). A setting greets the alumni
  records kept in the organization's subtree.
- The run (a beat task every 10 minutes, `birthdays_send_due`) greets, for each enabled setting
  whose time of day has come, the records whose birthday is today (birthday_calendar: solar,
  or lunar for records with a lunar date of birth; 29 February on the 28th in common years),
  leaving out deceased, deleted and merged records and records without any reachable channel.
- Never twice a day: the greeting row (record, date) is inserted before anything is sent and
  the unique constraint refuses a second one, whatever the number of runs or workers; two
  records of one person (same account or phone) get one greeting.
- SMS greetings count against the organization's allocation (reserved, then charged); a
  refusal skips the SMS and is written in the log.
- WeChat goes through core.notifications (a template message to followers of the official
  account, the in-app inbox otherwise).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.sms import SmsError, get_backend
from xiaoyou.messaging import birthday_calendar, sms_text
from xiaoyou.messaging import errors_sms as errors
from xiaoyou.messaging.models import (
    BirthdayCalendar,
    BirthdayChannel,
    BirthdayGreeting,
    BirthdayGreetingStatus,
    BirthdaySetting,
)
from xiaoyou.messaging.services.quota import quota_charge, quota_release, quota_reserve

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "messaging.birthday"
SMS_TEMPLATE = "birthday_greeting"


def default_texts() -> dict[str, str]:
    return {
        "sms_template": _("Dear {name}, {org} wishes you a happy birthday!"),
        "email_subject": _("Happy birthday, {name}"),
        "email_template": _(
            "Dear {name},\n\n{org} wishes you a happy birthday and all the best for the year ahead."
        ),
    }


def birthday_setting_for(org: Any) -> BirthdaySetting:
    """The organization's setting, or an unsaved default one."""
    found = BirthdaySetting.objects.filter(org=org).first()
    if found is not None:
        return found
    return BirthdaySetting(org=org, channels=[BirthdayChannel.SMS], **default_texts())


def birthday_setting_save(
    *,
    actor: Any,
    org: Any,
    is_enabled: bool,
    channels: list[str],
    sms_template: str,
    email_subject: str,
    email_template: str,
    send_time: dt.time,
) -> BirthdaySetting:
    """Saves the organization's greetings. Rule: its admins; at least one channel when on."""
    setting = birthday_setting_for(org)
    policy.require(actor, "manage", setting)
    channels = [channel for channel in BirthdayChannel.values if channel in channels]
    if is_enabled and not channels:
        raise ApplicationError(errors.CHANNELS_REQUIRED)
    fields = {
        "is_enabled": is_enabled,
        "channels": channels,
        "sms_template": sms_template.strip(),
        "email_subject": email_subject.strip()[:150],
        "email_template": email_template.strip(),
        "send_time": send_time,
    }
    with transaction.atomic():
        before = audit.snapshot(setting, list(fields)) if setting.pk else {}
        for name, value in fields.items():
            setattr(setting, name, value)
        setting.save()
        audit.record(
            actor=actor,
            action="messaging.birthday_setting.save",
            obj=setting,
            org=org,
            changes=audit.diff(before, audit.snapshot(setting, list(fields))),
        )
    return setting


def records_with_birthday(org: Any, today: dt.date) -> list[tuple[Any, str]]:
    """(record, calendar) of the living records in `org`'s subtree whose birthday is today."""
    from xiaoyou.alumni.models import AlumniRecord, RecordStatus

    alive: QuerySet[AlumniRecord] = AlumniRecord.objects.filter(
        org__path__startswith=org.path, deleted_at__isnull=True, merged_into__isnull=True
    ).exclude(status=RecordStatus.DECEASED)
    solar_days = Q()
    for month, day in birthday_calendar.solar_lookups(today):
        solar_days |= Q(birth_date__month=month, birth_date__day=day)
    found: list[tuple[Any, str]] = [
        (record, BirthdayCalendar.SOLAR)
        for record in alive.filter(solar_days, lunar_birth_date="").order_by("pk")
    ]
    for record in alive.exclude(lunar_birth_date="").order_by("pk"):
        birth = birthday_calendar.parse_lunar(record.lunar_birth_date)
        if birth is None:
            # An unreadable lunar date: fall back to the solar date of birth.
            if record.birth_date and birthday_calendar.is_solar_birthday(record.birth_date, today):
                found.append((record, BirthdayCalendar.SOLAR))
            continue
        if birthday_calendar.is_lunar_birthday(birth, today):
            found.append((record, BirthdayCalendar.LUNAR))
    return found


def _context(record: Any, org: Any) -> dict[str, str]:
    return {"name": record.name, "org": org.short_name or org.name}


def _greet(setting: BirthdaySetting, record: Any, calendar: str, today: dt.date) -> str:
    """Greets one record once for `today`; returns the greeting's status ('' if already done)."""
    org = setting.org
    channels = [
        channel
        for channel in setting.channels
        if (channel == BirthdayChannel.SMS and record.phone)
        or (channel == BirthdayChannel.EMAIL and record.email)
        or (channel == BirthdayChannel.WECHAT and record.user_id)
    ]
    if not channels:
        return ""
    try:
        with transaction.atomic():
            greeting = BirthdayGreeting.objects.create(
                org=org, record=record, date=today, calendar=calendar, channels=channels
            )
    except IntegrityError:
        return ""  # greeted already today (another run, another organization's setting)
    context = _context(record, org)
    done: list[str] = []
    problems: list[str] = []
    segments = 0
    if BirthdayChannel.SMS in channels:
        body = sms_text.render(setting.sms_template, context)
        segments = sms_text.segments(sms_text.full_text(settings.SMS_SIGN_NAME, body))
        year = today.year
        try:
            with transaction.atomic():
                quota_reserve(org=org, segments=segments, year=year)
        except ApplicationError as exc:
            problems.append(exc.text())
            segments = 0
        else:
            try:
                phone = record.phone if record.phone.startswith("+") else f"+86{record.phone}"
                get_backend().send(phone=phone, template=SMS_TEMPLATE, params={"text": body})
            except SmsError as exc:
                quota_release(org=org, year=year, segments=segments)
                problems.append(f"SMS {exc.code}")
                segments = 0
            else:
                quota_charge(org=org, year=year, segments=segments, kind="birthday")
                done.append(BirthdayChannel.SMS)
    if BirthdayChannel.EMAIL in channels:
        try:
            send_mail(
                sms_text.render(setting.email_subject, context),
                sms_text.render(setting.email_template, context),
                None,
                [record.email],
            )
        except OSError as exc:
            problems.append(f"email {exc.__class__.__name__}")
        else:
            done.append(BirthdayChannel.EMAIL)
    if BirthdayChannel.WECHAT in channels:
        text = sms_text.render(setting.sms_template or setting.email_template, context)
        with transaction.atomic():
            sent_on = notifications.notify(
                user=record.user, kind=NOTIFICATION_KIND, context={**context, "text": text}
            )
        if sent_on:
            done.append(BirthdayChannel.WECHAT)
    status = BirthdayGreetingStatus.SENT if done else BirthdayGreetingStatus.FAILED
    BirthdayGreeting.objects.filter(pk=greeting.pk).update(
        status=status, channels=done or channels, segments=segments, error="; ".join(problems)[:200]
    )
    return status


def birthday_run(*, setting: BirthdaySetting, today: dt.date | None = None) -> dict[str, int]:
    """Greets today's birthdays of one setting (safe to run again: nobody is greeted twice)."""
    today = today or timezone.localdate()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    seen: set[str] = set()
    for record, calendar in records_with_birthday(setting.org, today):
        person = f"user:{record.user_id}" if record.user_id else f"phone:{record.phone}"
        if (record.user_id or record.phone) and person in seen:
            counts["skipped"] += 1
            continue
        seen.add(person)
        status = _greet(setting, record, calendar, today)
        if status == BirthdayGreetingStatus.SENT:
            counts["sent"] += 1
        elif status == BirthdayGreetingStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["skipped"] += 1
    BirthdaySetting.objects.filter(pk=setting.pk).update(last_run_on=today)
    return counts


def birthdays_send_due(*, now: dt.datetime | None = None) -> int:
    """The periodic task: runs every enabled setting whose time of day has come and that has
    not run today. Returns the greetings sent."""
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    sent = 0
    for setting in BirthdaySetting.objects.filter(is_enabled=True).select_related("org"):
        if setting.last_run_on == today or local.time() < setting.send_time:
            continue
        sent += birthday_run(setting=setting, today=today)["sent"]
    return sent
