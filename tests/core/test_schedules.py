"""Periodic schedules: the registry and `xiaoyou sync-schedules` writing django-celery-beat rows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from xiaoyou.core import schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(monkeypatch):
    """The foundation's schedules plus room for a test's own, restored afterwards."""
    monkeypatch.setattr(schedules, "_schedules", dict(schedules._schedules))
    return schedules._schedules


def sync() -> str:
    out = StringIO()
    call_command("sync_schedules", stdout=out)
    return out.getvalue()


def test_foundation_declares_nightly_audit_check_and_daily_cleanup():
    entries = {entry.name: entry for entry in schedules.all_schedules()}
    assert entries["core.audit-verify-nightly"].task == "xiaoyou.core.verify_audit_chain"
    assert entries["core.audit-verify-nightly"].crontab == "30 2 * * *"
    assert entries["core.cleanup-jobs-daily"].task == "xiaoyou.core.cleanup_jobs"
    assert entries["core.cleanup-jobs-daily"].crontab == "0 4 * * *"
    assert entries["core.cleanup-jobs-daily"].kwargs == {"days": 90}
    assert entries["core.requeue-stale-jobs"].task == "xiaoyou.core.requeue_stale_jobs"
    assert entries["core.requeue-stale-jobs"].crontab == "7 * * * *"


def test_declared_tasks_exist_in_the_celery_app():
    from xiaoyou.celery import app

    for entry in schedules.all_schedules():
        assert entry.task in app.tasks, entry.task


def test_sync_creates_rows_in_shanghai_time_and_is_idempotent(declared):
    output = sync()
    assert "created: core.audit-verify-nightly" in output
    task = PeriodicTask.objects.get(name="core.audit-verify-nightly")
    assert task.task == "xiaoyou.core.verify_audit_chain"
    assert task.enabled is True
    crontab = task.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    ) == (
        "30",
        "2",
        "*",
        "*",
        "*",
    )
    assert str(crontab.timezone) == "Asia/Shanghai"
    cleanup = PeriodicTask.objects.get(name="core.cleanup-jobs-daily")
    assert json.loads(cleanup.kwargs) == {"days": 90}
    rows = PeriodicTask.objects.count()
    crontabs = CrontabSchedule.objects.count()
    output = sync()
    assert f"0 created, 0 updated, {len(declared)} unchanged, 0 deleted" in output
    assert (PeriodicTask.objects.count(), CrontabSchedule.objects.count()) == (rows, crontabs)


def test_sync_updates_changed_timing_but_keeps_an_operators_disabling(declared):
    schedules.schedule("test.greetings", "xiaoyou.core.cleanup_jobs", crontab="0 8 * * *")
    sync()
    PeriodicTask.objects.filter(name="test.greetings").update(enabled=False)
    schedules.schedule(
        "test.greetings", "xiaoyou.core.cleanup_jobs", crontab="15 9 * * 1-5", kwargs={"days": 3}
    )
    output = sync()
    assert "updated: test.greetings" in output
    task = PeriodicTask.objects.get(name="test.greetings")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("15", "9", "1-5")
    assert json.loads(task.kwargs) == {"days": 3}
    assert task.enabled is False


def test_sync_deletes_rows_it_made_for_schedules_no_longer_declared(declared):
    schedules.schedule("test.crawl", "xiaoyou.core.cleanup_jobs", crontab="0 1 * * *")
    sync()
    hand_made = PeriodicTask.objects.create(
        name="made in the admin",
        task="xiaoyou.core.cleanup_jobs",
        crontab=CrontabSchedule.objects.create(minute="0", hour="5"),
    )
    del declared["test.crawl"]
    output = sync()
    assert "deleted: test.crawl" in output
    assert not PeriodicTask.objects.filter(name="test.crawl").exists()
    assert PeriodicTask.objects.filter(pk=hand_made.pk).exists()


@pytest.mark.parametrize("crontab", ["0 8 * *", "61 8 * * *", "0 25 * * *", "every morning at 8"])
def test_a_bad_crontab_fails_at_declaration(declared, crontab):
    with pytest.raises(ValueError, match=r"test\.bad"):
        schedules.schedule("test.bad", "xiaoyou.core.cleanup_jobs", crontab=crontab)
