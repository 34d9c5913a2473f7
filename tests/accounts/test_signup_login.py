"""Sign-up and sign-in: phone + SMS code, email + password; generated usernames."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory
from xiaoyou.accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_in_page_offers_code_password_and_wechat(client, wechat):
    page = client.get(reverse("account_login")).content.decode()
    assert 'action="/accounts/login/code/"' in page
    assert 'name="phone"' in page
    assert 'data-provider="wechat"' in page
    password_tab = client.get(reverse("account_login") + "?method=password").content.decode()
    assert 'name="login"' in password_tab
    assert 'name="password"' in password_tab
    assert "Email or mobile phone" in password_tab


def test_wechat_button_is_hidden_without_credentials(client, settings):
    settings.WECHAT_APP_ID = ""
    page = client.get(reverse("account_login")).content.decode()
    assert 'data-provider="wechat"' not in page


def test_sign_up_by_phone_code(client, sms_outbox):
    response = client.post(reverse("account_signup"), {"method": "phone", "phone": "138 0013 8000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone="+8613800138000")
    assert user.phone_verified is False
    assert user.has_usable_password() is False
    assert user.username.startswith("u") and len(user.username) == 13
    [message] = sms_outbox.messages("+8613800138000")
    assert message["template"] == "verification_code"
    assert message["params"]["minutes"] == "5"
    code = message["params"]["code"]
    assert len(code) == 6 and code.isdigit()

    wrong = client.post(
        reverse("account_verify_phone"), {"code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()

    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified is True
    assert client.session[SESSION_KEY] == str(user.pk)


def test_sign_up_by_phone_requires_a_valid_number(client, sms_outbox):
    response = client.post(reverse("account_signup"), {"method": "phone", "phone": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "valid mobile phone number" in page
    assert 'class="form-field has-error" data-field="phone"' in page
    response = client.post(reverse("account_signup"), {"method": "phone", "phone": ""})
    assert "This field is required." in response.content.decode()
    assert User.objects.count() == 0
    assert sms_outbox.messages() == []


def test_sign_up_by_email_and_password(client, sms_outbox):
    response = client.post(
        reverse("account_signup"),
        {
            "method": "email",
            "email": "Li.Hua@Example.com",
            "password1": "long-enough-passphrase",
            "password2": "long-enough-passphrase",
            # A phone typed into the other tab is ignored.
            "phone": "13800138000",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="li.hua@example.com")
    assert user.phone is None
    assert user.check_password("long-enough-passphrase")
    assert EmailAddress.objects.filter(user=user, email="li.hua@example.com", primary=True).exists()
    assert client.session[SESSION_KEY] == str(user.pk)
    assert sms_outbox.messages() == []


def test_sign_up_by_email_needs_both_passwords(client):
    response = client.post(reverse("account_signup"), {"method": "email", "email": "a@example.com"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("This field is required.") == 2
    assert (
        'data-tab="email"' in page
        and 'class="auth-tab is-active" aria-selected="true" data-tab="email"' in page
    )
    assert User.objects.count() == 0


def test_sign_in_by_phone_code(client, sms_outbox):
    user = UserFactory(phone="+8613900139000")
    response = client.post(reverse("account_request_login_code"), {"phone": "13900139000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    code = sms_outbox.last_code("+8613900139000")
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_sign_in_by_code_for_an_unknown_number_reveals_nothing(client, sms_outbox):
    response = client.post(reverse("account_request_login_code"), {"phone": "13700137000"})
    # Same answer as for a known number; the number gets a notice, not a code.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    [notice] = sms_outbox.messages("+8613700137000")
    assert notice["template"] == "unknown_account"
    assert "code" not in notice["params"]


def test_sign_in_by_email_or_phone_and_password(client):
    user = UserFactory(email="wang.fang@example.com", phone="+8613600136000")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    response = client.post(
        reverse("account_login"),
        {"login": "wang.fang@example.com", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "136 0013 6000", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_shows_an_inline_error_on_the_password_tab(client):
    UserFactory(email="zhao@example.com")
    response = client.post(
        reverse("account_login"), {"login": "zhao@example.com", "password": "nope"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in page
    assert 'class="form-errors"' in page
    assert 'class="auth-tab is-active" aria-selected="true" data-tab="password"' in page


def test_messages_name_people_without_their_internal_username(client, sms_outbox):
    from xiaoyou.accounts.adapters import user_display

    assert user_display(UserFactory.build(display_name="刘洋", email="l@example.com")) == "刘洋"
    assert (
        user_display(UserFactory.build(display_name="", email="l@example.com")) == "l@example.com"
    )
    assert (
        user_display(UserFactory.build(display_name="", email="", phone="+8613800138000"))
        == "138****8000"
    )
    user = UserFactory(display_name="", email="", phone="+8613900139000")
    client.post(reverse("account_request_login_code"), {"phone": "13900139000"})
    response = client.post(
        reverse("account_confirm_login_code"),
        {"code": sms_outbox.last_code("+8613900139000")},
        follow=True,
    )
    page = response.content.decode()
    assert "Successfully signed in as 139****9000." in page
    assert user.username not in page


def test_sign_up_with_a_registered_number_reveals_nothing_and_creates_nothing(client, sms_outbox):
    UserFactory(phone="+8613500135000")
    response = client.post(reverse("account_signup"), {"method": "phone", "phone": "13500135000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert User.objects.filter(phone="+8613500135000").count() == 1
    [notice] = sms_outbox.messages("+8613500135000")
    assert notice["template"] == "account_exists"
    page = client.get(reverse("account_verify_phone"))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


@pytest.mark.django_db
def test_signing_in_restores_the_language_chosen_on_another_device(client):
    UserFactory(phone="+8613700137000", language="en")
    response = client.post(
        reverse("account_login"),
        {"login": "13700137000", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert client.get(reverse("hall:home")).headers["Content-Language"] == "en"
