"""Privacy settings, school defaults and the business-card exchange (services and vCard)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.directory.factories import CardExchangeFactory, make_alumnus
from tests.directory.vcard_parser import components, parse, text_value
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Delivery, Notification
from xiaoyou.directory.models import CardExchange, PrivacySettings, Visibility
from xiaoyou.directory.selectors import school_defaults, visible_fields
from xiaoyou.directory.services.cards import (
    ACCEPTED_KIND,
    REQUEST_KIND,
    REQUEST_RATES,
    card_request_accept,
    card_request_create,
    card_request_decline,
)
from xiaoyou.directory.services.privacy import (
    directory_settings_update,
    privacy_settings_update,
)
from xiaoyou.directory.vcard import build_vcard, card_vcard, escape, fold

pytestmark = pytest.mark.django_db


def test_privacy_update_keeps_unnamed_fields_and_audits(people):
    privacy_settings_update(actor=people.zhang, values={"phone": "classmates", "city": "only_me"})
    privacy_settings_update(actor=people.zhang, values={"city": ""})
    settings = PrivacySettings.objects.get(user=people.zhang)
    assert (settings.phone, settings.city) == ("classmates", "")
    entry = AuditEntry.objects.filter(action="directory.privacy.update").latest("id")
    assert entry.changes == {"city": ["only_me", ""]}
    with pytest.raises(ApplicationError) as error:
        privacy_settings_update(actor=people.zhang, values={"phone": "friends"})
    assert error.value.code == "directory_invalid_level"


def test_school_defaults_are_for_platform_admins(people, platform_admin, college_admin):
    with pytest.raises(PermissionDenied):
        directory_settings_update(actor=college_admin, values={"phone": "everyone"})
    directory_settings_update(actor=platform_admin, values={"phone": "everyone"})
    assert school_defaults()["phone"] == "everyone"
    assert visible_fields(people.newcomer, people.zhang_record)["phone"] == "13800000001"
    with pytest.raises(ApplicationError):
        directory_settings_update(actor=platform_admin, values={"phone": ""})


def test_exchange_request_accept_and_notifications(people):
    privacy_settings_update(actor=people.zhang, values={"phone": "classmates", "email": "only_me"})
    exchange = card_request_create(
        actor=people.zhao, recipient_record=people.zhang_record, message="上海见"
    )
    assert exchange.status == "pending" and exchange.recipient == people.zhang
    note = Notification.objects.get(user=people.zhang, kind=REQUEST_KIND)
    assert "赵敏" in note.title
    assert set(
        Delivery.objects.filter(user=people.zhang, kind=REQUEST_KIND).values_list(
            "channel", flat=True
        )
    ) == {"email"}  # WeChat needs a binding the test user lacks
    assert "phone" not in visible_fields(people.zhao, people.zhang_record)

    with pytest.raises(PermissionDenied):
        card_request_accept(actor=people.zhao, exchange=exchange)  # only the recipient answers
    card_request_accept(actor=people.zhang, exchange=exchange)
    assert Notification.objects.filter(user=people.zhao, kind=ACCEPTED_KIND).exists()
    # Both see each other's shared fields now; "only me" stays closed.
    zhang_seen = visible_fields(people.zhao, people.zhang_record)
    assert zhang_seen["phone"] == "13800000001" and "email" not in zhang_seen
    assert visible_fields(people.zhang, people.zhao_record)["phone"] == "13800000004"
    with pytest.raises(ApplicationError) as error:
        card_request_accept(actor=people.zhang, exchange=exchange)
    assert error.value.code == "directory_card_not_pending"
    with pytest.raises(ApplicationError) as error:
        card_request_create(actor=people.zhang, recipient_record=people.zhao_record)
    assert error.value.code == "directory_card_exists"


def test_decline_is_quiet_and_a_new_request_may_follow(people):
    exchange = card_request_create(actor=people.zhao, recipient_record=people.zhang_record)
    card_request_decline(actor=people.zhang, exchange=exchange)
    exchange.refresh_from_db()
    assert exchange.status == "declined" and exchange.decided_at is not None
    assert not Notification.objects.filter(user=people.zhao).exists()
    assert "phone" not in visible_fields(people.zhao, people.zhang_record)
    card_request_create(actor=people.zhao, recipient_record=people.zhang_record)


def test_requests_need_verified_alumni_and_are_rate_limited(people):
    with pytest.raises(ApplicationError) as error:
        card_request_create(actor=people.newcomer, recipient_record=people.zhang_record)
    assert error.value.code == "directory_verified_only"
    with pytest.raises(ApplicationError) as error:
        card_request_create(actor=people.zhang, recipient_record=people.zhang_record)
    assert error.value.code == "directory_card_self"
    limit = REQUEST_RATES[0][0]
    targets = [make_alumnus()[1] for _ in range(limit + 1)]
    for record in targets[:limit]:
        card_request_create(actor=people.zhang, recipient_record=record)
    with pytest.raises(ApplicationError) as error:
        card_request_create(actor=people.zhang, recipient_record=targets[limit])
    assert error.value.code == "rate_limited" and error.value.status == 429
    assert CardExchange.objects.filter(requester=people.zhang).count() == limit


def test_vcard_is_valid_and_holds_only_visible_fields(people):
    privacy_settings_update(
        actor=people.zhang, values={"phone": "classmates", "email": Visibility.ONLY_ME}
    )
    exchange = CardExchangeFactory(requester=people.zhao, recipient=people.zhang, status="accepted")
    name, text = card_vcard(user=people.zhao, exchange=exchange)
    assert name == "张伟"
    card = parse(text)
    assert text_value(card, "FN") == "张伟"
    assert card["TEL"][0] == ({"VALUE": "uri", "TYPE": "cell"}, "tel:13800000001")
    assert "EMAIL" not in card and "zhang@example.com" not in text
    assert text_value(card, "ORG") == "腾讯"
    with pytest.raises(PermissionDenied):
        card_vcard(user=people.li, exchange=exchange)
    pending = CardExchangeFactory(requester=people.li, recipient=people.zhao)
    with pytest.raises(PermissionDenied):
        card_vcard(user=people.li, exchange=pending)


def test_vcard_escapes_and_folds_long_chinese_values(people):
    record = people.zhang_record
    awkward = "深圳市南山区科技园, 腾讯大厦; 3楼\n前台 \\ 收" * 4
    text = build_vcard(
        record,
        {"address": awkward, "city": "深圳", "employer": "腾讯科技（深圳）有限公司" * 3},
        school="示范大学",
    )
    card = parse(text)  # every physical line <= 75 octets, CRLF, no split character
    _params, value = card["ADR"][0]
    parts = components(value)
    assert len(parts) == 7
    assert parts[2] == awkward and parts[3] == "深圳"
    assert text_value(card, "ORG") == "腾讯科技（深圳）有限公司" * 3
    assert "示范大学" in text_value(card, "NOTE")
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert all(len(piece.encode()) <= 75 for piece in fold("名" * 100).split("\r\n"))
