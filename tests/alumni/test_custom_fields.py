from __future__ import annotations

import pytest
from django.utils.translation import activate, gettext, override

from tests.factories import CustomFieldFactory
from xiaoyou.alumni.custom_fields import validate_custom_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    activate("en")


@pytest.fixture
def fields():
    return [
        CustomFieldFactory(key="hobby", type="text", pattern=r"[a-z]+", is_required=True),
        CustomFieldFactory(key="donation", type="number", min_value=0, max_value=1000),
        CustomFieldFactory(key="wedding", type="date"),
        CustomFieldFactory(key="size", type="choice", choices=["S", "M", "L"]),
        CustomFieldFactory(key="sports", type="multiple_choice", choices=["篮球", "足球", "游泳"]),
        CustomFieldFactory(key="blog", type="url"),
    ]


def test_valid_values_are_typed(fields):
    clean, errors = validate_custom_data(
        fields,
        {
            "hobby": " chess ",
            "donation": "12.5",
            "wedding": "2001/7/3",
            "size": "M",
            "sports": "游泳、篮球",
            "blog": "https://example.com/a",
            "unknown": "ignored",
        },
    )
    assert errors == {}
    assert clean == {
        "hobby": "chess",
        "donation": 12.5,
        "wedding": "2001-07-03",
        "size": "M",
        "sports": ["篮球", "游泳"],
        "blog": "https://example.com/a",
    }
    assert validate_custom_data(fields, {"hobby": "go", "donation": "7", "sports": []}) == (
        {"hobby": "go", "donation": 7},
        {},
    )


def test_errors_per_field(fields):
    clean, errors = validate_custom_data(
        fields,
        {
            "hobby": "",
            "donation": "2000",
            "wedding": "yesterday",
            "size": "XL",
            "sports": ["篮球", "冰球"],
            "blog": "ftp://example.com",
        },
    )
    assert clean == {}
    assert errors == {
        "hobby": "This field is required.",
        "donation": "Enter a number of at most 1000.",
        "wedding": "Enter a date as YYYY-MM-DD.",
        "size": "XL is not one of the choices.",
        "sports": "冰球 is not one of the choices.",
        "blog": "Enter a valid web address (http or https).",
    }
    _, errors = validate_custom_data(fields, {"hobby": "ABC", "donation": "-1"})
    assert errors == {
        "hobby": "The value does not have the expected format.",
        "donation": "Enter a number of at least 0.",
    }
    _, errors = validate_custom_data(fields, {"hobby": "a", "donation": "many"})
    assert errors == {"donation": "Enter a number."}


def test_errors_are_translated(fields):
    with override("zh-hans"):
        _, errors = validate_custom_data(fields, {"hobby": ""})
        assert errors == {"hobby": gettext("This field is required.")}
        assert errors["hobby"] == "这个字段是必填项。"
