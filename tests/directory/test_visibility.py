"""The one visibility rule (selectors.visible_fields / visible_q) and the school defaults."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.directory.factories import (
    CardExchangeFactory,
    DirectorySettingsFactory,
    PrivacySettingsFactory,
)
from tests.factories import MembershipFactory, OrganizationFactory
from xiaoyou.directory.models import PRIVATE_FIELDS, Visibility
from xiaoyou.directory.selectors import (
    viewer_for,
    visible_fields,
    visible_fields_bulk,
    visible_q,
)
from xiaoyou.directory.selectors_directory import directory_records

pytestmark = pytest.mark.django_db


def _phone_level(people, level):
    PrivacySettingsFactory(user=people.zhang, phone=level)


def test_classmates_only_phone(people):
    _phone_level(people, Visibility.CLASSMATES)
    record = people.zhang_record
    assert visible_fields(people.li, record)["phone"] == "13800000001"  # same class
    assert visible_fields(people.wang, record)["phone"] == "13800000001"  # same intake
    assert "phone" not in visible_fields(people.zhao, record)
    assert "phone" not in visible_fields(people.newcomer, record)
    assert visible_fields(people.zhang, record)["phone"] == "13800000001"  # oneself


def test_each_level_names_its_audience(people):
    record = people.zhang_record
    org = OrganizationFactory(name="上海校友会")
    MembershipFactory(org=org, user=people.zhang)
    MembershipFactory(org=org, user=people.zhao)
    expected = {
        Visibility.EVERYONE: {"li", "wang", "zhao", "newcomer"},
        Visibility.VERIFIED: {"li", "wang", "zhao"},
        Visibility.MEMBERS: {"zhao"},
        Visibility.CLASSMATES: {"li", "wang"},
        Visibility.ONLY_ME: set(),
    }
    for level, audience in expected.items():
        _phone_level(people, level)
        people.zhang.directory_privacy.phone = level
        people.zhang.directory_privacy.save()
        seen = {
            name
            for name in ("li", "wang", "zhao", "newcomer")
            if "phone" in visible_fields(getattr(people, name), record)
        }
        assert seen == audience, level


def test_school_defaults_apply_until_the_alumnus_chooses(people):
    record = people.zhang_record
    # Built-in defaults: phone for classmates, employer for verified alumni.
    assert "phone" not in visible_fields(people.zhao, record)
    assert visible_fields(people.zhao, record)["employer"] == "腾讯"
    DirectorySettingsFactory(phone=Visibility.VERIFIED, employer=Visibility.ONLY_ME)
    assert visible_fields(people.zhao, record)["phone"] == "13800000001"
    assert "employer" not in visible_fields(people.zhao, record)
    PrivacySettingsFactory(user=people.zhang, phone=Visibility.ONLY_ME)
    assert "phone" not in visible_fields(people.zhao, record)
    assert "phone" not in visible_fields(people.li, record)


def test_exchanged_cards_open_everything_but_only_me(people):
    PrivacySettingsFactory(user=people.zhang, phone=Visibility.CLASSMATES, email="only_me")
    CardExchangeFactory(requester=people.zhao, recipient=people.zhang, status="pending")
    assert "phone" not in visible_fields(people.zhao, people.zhang_record)
    people.zhao.card_requests_sent.update(status="accepted")
    fields = visible_fields(people.zhao, people.zhang_record)
    assert fields["phone"] == "13800000001"
    assert "email" not in fields


def test_the_filter_agrees_with_the_rule_for_every_viewer_and_level(people):
    """visible_q (SQL) and visible_fields_bulk (Python) give the same answer everywhere."""
    org = OrganizationFactory()
    MembershipFactory(org=org, user=people.li)
    MembershipFactory(org=org, user=people.zhao)
    CardExchangeFactory(requester=people.wang, recipient=people.zhao, status="accepted")
    levels = [*Visibility.values, ""]
    users = [people.zhang, people.li, people.wang, people.zhao]
    for index, user in enumerate(users):
        PrivacySettingsFactory(
            user=user,
            **{name: levels[(index + n) % len(levels)] for n, name in enumerate(PRIVATE_FIELDS)},
        )
    records = list(directory_records())
    for viewer_user in [*users, people.newcomer]:
        viewer = viewer_for(viewer_user)
        python = visible_fields_bulk(viewer_user, records, viewer=viewer)
        for name in PRIVATE_FIELDS:
            sql = set(
                directory_records().filter(visible_q(viewer, name)).values_list("pk", flat=True)
            )
            assert sql == {pk for pk, fields in python.items() if name in fields}, (
                viewer_user,
                name,
            )


def test_bulk_costs_a_fixed_number_of_queries(people):
    records = list(directory_records())
    viewer = viewer_for(people.zhang)
    with CaptureQueriesContext(connection) as few:
        visible_fields_bulk(people.zhang, records[:1], viewer=viewer)
    with CaptureQueriesContext(connection) as many:
        visible_fields_bulk(people.zhang, records, viewer=viewer)
    assert len(few) == len(many) <= 5
