"""Phone numbers are stored in E.164; mainland mobiles may be typed as 11 digits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xiaoyou.accounts.phone import PhoneField, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("+8619912345678", "+8619912345678"),
        ("+85291234567", "+85291234567"),
        ("+14155552671", "+14155552671"),
        ("＋8613800138000", "+8613800138000"),
    ],
)
def test_normalize_phone(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345",
        "12800138000",
        "1380013800",
        "+8612345678901",
        "+86010123456",
        "abc",
        "+0123456789",
    ],
)
def test_normalize_phone_refuses(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert error.value.code == "invalid_phone"


def test_phone_field_cleans_to_e164_and_shows_a_translated_error():
    field = PhoneField(required=True)
    assert field.clean(" 139 1234 5678 ") == "+8613912345678"
    with pytest.raises(ValidationError) as error:
        field.clean("12345")
    assert "valid mobile phone number" in error.value.messages[0]
    assert PhoneField(required=False).clean("") == ""
