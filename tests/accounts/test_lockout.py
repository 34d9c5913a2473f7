"""Sign-in throttling (allauth's login_failed limit) and lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from xiaoyou.accounts.models import User
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def person(db):
    return UserFactory(phone="+8613800138000", email="chen@example.com")


def sign_in(client, password: str, login: str = "13800138000", ip: str = "203.0.113.9"):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def no_throttle(settings):
    # Isolates the lockout from allauth's per-account throttle (tested on its own below).
    settings.ACCOUNT_RATE_LIMITS = {"verify_phone": None, "login_failed": None}


def test_failures_are_counted_and_a_success_clears_them(client, person, no_throttle):
    for _ in range(3):
        sign_in(client, "wrong password")
    person.refresh_from_db()
    assert person.failed_login_count == 3
    assert sign_in(client, PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.failed_login_count == 0
    assert person.locked_until is None


def test_lockout_after_the_threshold_refuses_even_the_right_password(
    client, person, no_throttle, settings
):
    settings.ACCOUNT_LOCKOUT_THRESHOLD = 4
    settings.ACCOUNT_LOCKOUT_SECONDS = 900
    for _ in range(4):
        response = sign_in(client, "wrong password")
    assert (
        "The phone number and/or password you specified are not correct."
        in response.content.decode()
    )
    person.refresh_from_db()
    assert person.locked_until is not None
    assert timedelta(seconds=890) < person.locked_until - timezone.now() <= timedelta(seconds=900)
    assert AuditEntry.objects.filter(action="user.locked", object_id=str(person.pk)).count() == 1

    response = sign_in(client, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed sign-in attempts. This account is locked until" in page
    assert SESSION_KEY not in client.session
    # The lock follows the account, whatever identifier is typed.
    response = sign_in(client, PASSWORD, login="chen@example.com")
    assert "This account is locked until" in response.content.decode()


def test_lock_expires(client, person, no_throttle):
    User.objects.filter(pk=person.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(client, PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.locked_until is None


def test_throttle_per_account_after_five_failures_in_five_minutes(client, person):
    for attempt in range(5):
        response = sign_in(client, "wrong password", ip=f"203.0.113.{attempt + 1}")
        assert "not correct" in response.content.decode()
    response = sign_in(client, PASSWORD, ip="203.0.113.99")
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_unknown_account_failures_lock_nothing(client, person, no_throttle):
    for _ in range(3):
        sign_in(client, "whatever", login="13999999999")
    person.refresh_from_db()
    assert person.failed_login_count == 0
