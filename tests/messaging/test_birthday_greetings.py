"""Birthday greetings (生日祝福): today's solar and lunar birthdays only, never twice a day,
29 February, lunar leap months and 30th days, deceased left out, quota charged."""

# ruff: noqa: F811 - the emulator fixtures are imported from sms_support
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.factories import AlumniRecordFactory
from tests.messaging.sms_support import SIGN, aliyun, allocate  # noqa: F401
from xiaoyou.core.models import Notification
from xiaoyou.messaging import birthday_calendar as cal
from xiaoyou.messaging.models import BirthdayGreeting, SmsAllocation, SmsUsage
from xiaoyou.messaging.services.birthdays import (
    birthday_run,
    birthday_setting_save,
    birthdays_send_due,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_29_february_is_greeted_on_the_28th_in_common_years():
    born = dt.date(2000, 2, 29)
    assert cal.solar_birthday(born, 2027) == dt.date(2027, 2, 28)
    assert cal.solar_birthday(born, 2028) == dt.date(2028, 2, 29)
    assert cal.is_solar_birthday(born, dt.date(2027, 2, 28))
    assert not cal.is_solar_birthday(born, dt.date(2028, 2, 28))
    assert cal.solar_lookups(dt.date(2027, 2, 28)) == [(2, 28), (2, 29)]
    assert cal.solar_lookups(dt.date(2028, 2, 28)) == [(2, 28)]


def test_lunar_dates_are_read_and_converted():
    assert cal.parse_lunar("1975-08-15") == cal.LunarBirth(1975, 8, 15, False)
    assert cal.parse_lunar("1975-闰04-15") == cal.LunarBirth(1975, 4, 15, True)
    assert cal.parse_lunar("1975年8月15日") == cal.LunarBirth(1975, 8, 15, False)
    assert cal.parse_lunar("八月十五") is None
    assert cal.parse_lunar("1975-13-01") is None
    # 2026-11-26 is the 18th of the 10th lunar month of 2026.
    assert cal.is_lunar_birthday(cal.LunarBirth(1980, 10, 18), dt.date(2026, 11, 26))
    assert not cal.is_lunar_birthday(cal.LunarBirth(1980, 10, 17), dt.date(2026, 11, 26))
    # Born in a leap 4th month: greeted in the ordinary 4th month.
    assert cal.lunar_birthday(cal.LunarBirth(1979, 4, 10, True), 2026) == cal.lunar_birthday(
        cal.LunarBirth(1979, 4, 10), 2026
    )
    # The 2nd lunar month of 2026 has 29 days: a 30th birthday falls on its 29th.
    assert cal.lunar_month_days(2026, 2) == 29
    assert cal.lunar_birthday(cal.LunarBirth(1970, 2, 30), 2026) == dt.date(2026, 4, 16)
    assert cal.is_lunar_birthday(cal.LunarBirth(1970, 2, 30), dt.date(2026, 4, 16))


@pytest.fixture
def greetings_on(org_tree, platform_admin, aliyun):
    allocate(platform_admin, org_tree.root, 100)
    return birthday_setting_save(
        actor=platform_admin,
        org=org_tree.root,
        is_enabled=True,
        channels=["sms", "email", "wechat"],
        sms_template="亲爱的{name}，{org}祝您生日快乐！",
        email_subject="{name}，生日快乐",
        email_template="亲爱的{name}：\n\n{org}祝您生日快乐。",
        send_time=dt.time(8, 0),
    )


@pytest.mark.django_db
def test_the_job_greets_todays_solar_and_lunar_birthdays_only_and_never_twice(
    org_tree,
    greetings_on,
    aliyun,
    verified_alumnus,
):
    today = dt.date(2026, 11, 26)  # lunar 2026-10-18
    root = org_tree.root
    solar = AlumniRecordFactory(
        org=root, name="阳历", birth_date=dt.date(1990, 11, 26), phone="13900000001"
    )
    lunar = AlumniRecordFactory(
        org=root,
        name="农历",
        birth_date=dt.date(1980, 3, 3),
        lunar_birth_date="1980-10-18",
        phone="13900000002",
        email="lunar@example.com",
        user=verified_alumnus,
    )
    # Solar birthday today but prefers the lunar one (another day): not greeted.
    AlumniRecordFactory(
        org=root,
        birth_date=dt.date(1985, 11, 26),
        lunar_birth_date="1985-10-15",
        phone="13900000003",
    )
    AlumniRecordFactory(org=root, birth_date=dt.date(1990, 11, 25), phone="13900000004")
    AlumniRecordFactory(
        org=root, birth_date=dt.date(1950, 11, 26), phone="13900000005", status="deceased"
    )
    AlumniRecordFactory(org=root, birth_date=dt.date(1991, 11, 26), phone="")  # no channel

    counts = birthday_run(setting=greetings_on, today=today)
    assert counts["sent"] == 2
    greeted = dict(BirthdayGreeting.objects.values_list("record_id", "calendar"))
    assert greeted == {solar.pk: "solar", lunar.pk: "lunar"}
    assert sorted(n for s in aliyun.sent for n in s["phone_numbers"]) == [
        "13900000001",
        "13900000002",
    ]
    assert aliyun.sent[0]["template_code"] == "SMS_200000002"
    assert (
        aliyun.sent[0]["params"]["text"]
        == f"亲爱的阳历，{root.short_name or root.name}祝您生日快乐！"
    )
    assert [message.to for message in mail.outbox] == [["lunar@example.com"]]
    assert Notification.objects.filter(user=verified_alumnus, kind="messaging.birthday").exists()
    lunar_greeting = BirthdayGreeting.objects.get(record=lunar)
    assert sorted(lunar_greeting.channels) == ["email", "sms", "wechat"]

    # Run again (a second beat, another worker): nobody is greeted twice.
    again = birthday_run(setting=greetings_on, today=today)
    assert again["sent"] == 0
    assert BirthdayGreeting.objects.count() == 2
    assert len(aliyun.sent) == 2 and len(mail.outbox) == 1
    # Charged against the organization's allocation, counted as birthday usage.
    assert SmsAllocation.objects.get(org=root).used == 2
    assert SmsUsage.objects.get(org=root).birthday_segments == 2


@pytest.mark.django_db
def test_feb_29_birthdays_on_feb_28_of_a_common_year(
    org_tree,
    platform_admin,
    greetings_on,
    aliyun,
):
    for year in (2027, 2028):  # each year has its own quota
        allocate(platform_admin, org_tree.root, 10, year=year)
    leapling = AlumniRecordFactory(
        org=org_tree.root, birth_date=dt.date(2000, 2, 29), phone="13900000010"
    )
    assert birthday_run(setting=greetings_on, today=dt.date(2027, 2, 28))["sent"] == 1
    assert BirthdayGreeting.objects.get().record == leapling
    assert birthday_run(setting=greetings_on, today=dt.date(2028, 2, 28))["sent"] == 0
    assert birthday_run(setting=greetings_on, today=dt.date(2028, 2, 29))["sent"] == 1


@pytest.mark.django_db
def test_the_periodic_task_waits_for_the_time_of_day_and_runs_once(
    org_tree,
    greetings_on,
    aliyun,
):
    AlumniRecordFactory(org=org_tree.root, birth_date=dt.date(1990, 11, 26), phone="13900000001")
    early = dt.datetime(2026, 11, 26, 7, 50, tzinfo=SHANGHAI)
    assert birthdays_send_due(now=early) == 0
    assert birthdays_send_due(now=early.replace(hour=8, minute=0)) == 1
    assert birthdays_send_due(now=early.replace(hour=8, minute=10)) == 0
    assert len(aliyun.sent) == 1


@pytest.mark.django_db
def test_sms_refused_by_the_quota_is_logged(org_tree, platform_admin, aliyun):
    setting = birthday_setting_save(
        actor=platform_admin,
        org=org_tree.college,
        is_enabled=True,
        channels=["sms"],
        sms_template="{name}生日快乐",
        email_subject="",
        email_template="",
        send_time=dt.time(8, 0),
    )
    record = AlumniRecordFactory(
        org=org_tree.college, birth_date=dt.date(1990, 11, 26), phone="13900000001"
    )
    assert birthday_run(setting=setting, today=dt.date(2026, 11, 26))["failed"] == 1
    greeting = BirthdayGreeting.objects.get(record=record)
    assert greeting.status == "failed" and greeting.error
    assert aliyun.sent == []
