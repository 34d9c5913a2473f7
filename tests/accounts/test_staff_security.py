"""Staff security: TOTP required for the console, TOTP at sign-in, console idle timeout."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory
from xiaoyou.accounts.middleware import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
CONSOLE = "/console/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def staff(college_admin):
    # A staff member with a console role (admin of a college association).
    college_admin.email = "staff@example.com"
    college_admin.save(update_fields=["email"])
    return college_admin


def test_staff_without_totp_is_sent_to_set_it_up(client, staff):
    client.force_login(staff)
    response = client.get(CONSOLE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fconsole%2F"


def test_htmx_requests_get_a_full_page_redirect(client, staff):
    client.force_login(staff)
    response = client.get(CONSOLE, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/2fa/totp/activate/?next=%2Fconsole%2F"


def test_staff_with_totp_and_non_staff_are_not_sent_to_setup(client, staff):
    with_totp(staff)
    client.force_login(staff)
    assert client.get(CONSOLE).status_code == 200
    alumnus = UserFactory(is_staff=False)
    client.force_login(alumnus)
    response = client.get(CONSOLE)
    assert "totp" not in response.get("Location", "")


def test_pages_outside_the_console_need_no_totp(client, staff):
    client.force_login(staff)
    assert client.get("/").status_code == 200


def test_staff_sets_up_totp_then_reaches_the_console(client, staff):
    response = client.post(
        reverse("account_login"), {"login": "staff@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(CONSOLE)
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert 'data-secret="' + secret + '"' in page.content.decode()

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get(CONSOLE).status_code == 200


def test_sign_in_asks_staff_for_the_totp_code(client, staff):
    secret = with_totp(staff)
    response = client.post(
        reverse("account_login") + "?next=/console/",
        {"login": "staff@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session

    wrong = client.post(
        reverse("mfa_authenticate"),
        {"code": "123456" if current_code(secret) != "123456" else "654321"},
    )
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert SESSION_KEY not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.get(CONSOLE).status_code == 200


def test_console_session_ends_after_idle_timeout(client, staff, settings):
    settings.CONSOLE_IDLE_TIMEOUT = 600
    with_totp(staff)
    client.force_login(staff)
    assert client.get(CONSOLE).status_code == 200
    first_seen = client.session[LAST_ACTIVITY_KEY]
    assert abs(first_seen - time.time()) < 5

    session = client.session
    # The middleware compares with the float clock; a margin of a few seconds keeps the
    # int-rounded timestamp and a slow request from crossing the boundary by accident.
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 595
    session.save()
    assert client.get(CONSOLE).status_code == 200  # still within the timeout; clock restarts
    assert client.session[LAST_ACTIVITY_KEY] >= first_seen

    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 605
    session.save()
    response = client.get(CONSOLE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fconsole%2F"
    assert SESSION_KEY not in client.session
    follow = client.get(response["Location"])
    assert "Your console session ended after a period of inactivity." in follow.content.decode()


def test_signing_in_again_after_the_idle_sign_out_restores_access(client, staff, settings):
    settings.CONSOLE_IDLE_TIMEOUT = 600
    secret = with_totp(staff)
    client.force_login(staff)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 3600
    session.save()
    assert client.get(CONSOLE)["Location"] == "/accounts/login/?next=%2Fconsole%2F"
    client.post(reverse("account_login"), {"login": "staff@example.com", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5
    assert client.get(CONSOLE).status_code == 200
