"""Password rules: 12+ characters for staff, common and breached passwords refused, Argon2."""

from __future__ import annotations

import hashlib
import random

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory
from xiaoyou.accounts.models import User
from xiaoyou.accounts.passwords import (
    BreachedPasswordValidator,
    LengthByRoleValidator,
    sorted_file_contains,
)


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest().upper()


@pytest.fixture
def breached_file(tmp_path, settings):
    """A sorted "HASH:COUNT" file like Pwned Passwords' download, with ~3000 entries."""
    rng = random.Random(7)
    entries = {sha1(f"filler-{rng.random()}") for _ in range(3000)}
    entries |= {sha1("Tr0ub4dor&3-leaked"), sha1("xiaoyou-breached-2024")}
    path = tmp_path / "pwned.txt"
    path.write_text("".join(f"{digest}:{rng.randint(1, 9999)}\r\n" for digest in sorted(entries)))
    settings.PASSWORD_BREACHED_SHA1_FILE = str(path)
    return path, sorted(entries)


def test_staff_need_twelve_characters_others_eight():
    validator = LengthByRoleValidator()
    staff = User(is_staff=True)
    with pytest.raises(ValidationError) as error:
        validator.validate("elevenchars", user=staff)
    assert error.value.error_list[0].params == {"min_length": 12}
    validator.validate("twelve-chars", user=staff)
    validator.validate("eightchr", user=User())
    with pytest.raises(ValidationError):
        validator.validate("seven77", user=User())


def test_bisection_finds_every_entry_and_nothing_else(breached_file):
    path, entries = breached_file
    for digest in [entries[0], entries[1], entries[len(entries) // 2], entries[-2], entries[-1]]:
        assert sorted_file_contains(path, digest)
    assert not sorted_file_contains(path, "0" * 40)
    assert not sorted_file_contains(path, "F" * 40)
    assert not sorted_file_contains(path, sha1("not in the file"))


def test_bisection_on_tiny_and_unterminated_files(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(sha1("only"))
    assert sorted_file_contains(path, sha1("only"))
    assert not sorted_file_contains(path, sha1("other"))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert not sorted_file_contains(empty, sha1("only"))


def test_breached_password_is_refused_by_the_validators(breached_file):
    with pytest.raises(ValidationError) as error:
        validate_password("xiaoyou-breached-2024")
    assert "This password has appeared in a data breach." in error.value.messages[0]
    validate_password("a fine unbreached phrase")


def test_validator_is_off_without_a_file(settings):
    settings.PASSWORD_BREACHED_SHA1_FILE = ""
    BreachedPasswordValidator().validate("xiaoyou-breached-2024")
    assert BreachedPasswordValidator().get_help_text() == ""


@pytest.mark.django_db
def test_sign_up_refuses_common_and_breached_passwords_inline(client, breached_file):
    for password, message in [
        ("password1234", "This password is too common."),
        ("xiaoyou-breached-2024", "This password has appeared in a data breach."),
    ]:
        response = client.post(
            reverse("account_signup"),
            {
                "method": "email",
                "email": "new@example.com",
                "password1": password,
                "password2": password,
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        assert 'class="form-field has-error" data-field="password1"' in page
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings):
    # The suite hashes with MD5 for speed; production settings use Argon2.
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    user = UserFactory()
    user.set_password("a fine unbreached phrase")
    assert user.password.startswith("argon2$argon2id$")
