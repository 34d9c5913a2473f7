"""Hall pages: a hidden phone never shows in the directory, its search, near me, an address book
or the cards; the privacy page, the card flow with the vCard download, the QR poster."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import CardExchangeFactory, PrivacySettingsFactory
from tests.directory.vcard_parser import parse, text_value
from tests.factories import MembershipFactory, OrganizationFactory
from xiaoyou.directory.models import CardExchange, PrivacySettings

pytestmark = pytest.mark.django_db
HIDDEN_PHONE = "13800000001"


@pytest.fixture
def classmates_only(people):
    PrivacySettingsFactory(user=people.zhang, phone="classmates", employer="classmates")
    return people


def _page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_directory_shows_the_phone_to_a_classmate_only(client, classmates_only):
    people = classmates_only
    seen = _page(client, people.li, "hall:alumni", q="张伟")
    assert "张伟" in seen and HIDDEN_PHONE in seen and "腾讯" in seen
    hidden = _page(client, people.zhao, "hall:alumni", q="张伟")
    assert "张伟" in hidden and HIDDEN_PHONE not in hidden and "腾讯" not in hidden
    entry = _page(client, people.zhao, "hall:directory_entry", people.zhang_record.pk)
    assert "张伟" in entry and HIDDEN_PHONE not in entry
    assert HIDDEN_PHONE in _page(
        client, people.wang, "hall:directory_entry", people.zhang_record.pk
    )


def test_search_never_finds_through_a_hidden_field(client, classmates_only):
    people = classmates_only
    # The employer is for classmates: a non-classmate searching by it does not find him.
    found = _page(client, people.zhao, "hall:alumni", employer="腾讯")
    assert "张伟" not in found and HIDDEN_PHONE not in found
    assert "张伟" in _page(client, people.li, "hall:alumni", employer="腾讯")
    # Name, year, class, major and the visible city still find him, without the phone.
    for params in (
        {"q": "zw"},
        {"year": 2014},
        {"class_name": "计科1班"},
        {"major": "软件"},
        {"city": "上海"},
    ):
        page = _page(client, people.zhao, "hall:alumni", **params)
        assert "张伟" in page and HIDDEN_PHONE not in page, params


def test_near_me_uses_my_city_and_the_rule(client, classmates_only):
    people = classmates_only
    PrivacySettings.objects.filter(user=people.zhang).update(city="only_me")
    page = _page(client, people.zhao, "hall:directory_near")
    assert "李娜" in page and "张伟" not in page and "赵敏" not in page
    assert "张伟" not in _page(client, people.li, "hall:directory_near", city="上海")
    assert "李娜" in _page(client, people.zhang, "hall:directory_near")


def test_address_book_is_for_members_and_obeys_the_rule(client, classmates_only):
    people = classmates_only
    org = OrganizationFactory(name="上海校友会")
    MembershipFactory(org=org, user=people.zhang)
    MembershipFactory(org=org, user=people.zhao)
    page = _page(client, people.zhao, "hall:directory_address_book", org.pk)
    assert "张伟" in page and HIDDEN_PHONE not in page
    client.force_login(people.li)
    assert client.get(reverse("hall:directory_address_book", args=[org.pk])).status_code == 404


def test_the_directory_is_for_verified_alumni(client, people):
    client.force_login(people.newcomer)
    response = client.get(reverse("hall:alumni"))
    assert response.status_code == 403
    assert "张伟" not in response.content.decode()
    client.logout()
    assert client.get(reverse("hall:alumni")).status_code == 302


def test_privacy_page_saves_levels(client, people):
    client.force_login(people.zhang)
    page = client.get(reverse("hall:directory_privacy")).content.decode()
    assert 'name="phone"' in page
    response = client.post(reverse("hall:directory_privacy"), {"phone": "only_me", "city": ""})
    assert response.status_code == 302
    assert PrivacySettings.objects.get(user=people.zhang).phone == "only_me"
    assert HIDDEN_PHONE not in _page(
        client, people.li, "hall:directory_entry", people.zhang_record.pk
    )


def test_card_flow_request_accept_and_vcard(client, classmates_only):
    people = classmates_only
    client.force_login(people.zhao)
    response = client.post(
        reverse("hall:directory_card_request", args=[people.zhang_record.pk]), {"message": "你好"}
    )
    assert response.status_code == 302
    exchange = CardExchange.objects.get(requester=people.zhao)
    # Only the recipient answers; the requester cannot accept their own request.
    client.post(reverse("hall:directory_card_accept", args=[exchange.pk]))
    exchange.refresh_from_db()
    assert exchange.status == "pending"
    cards = _page(client, people.zhang, "hall:directory_cards")
    assert "赵敏" in cards and "你好" in cards
    client.post(reverse("hall:directory_card_accept", args=[exchange.pk]))
    exchange.refresh_from_db()
    assert exchange.status == "accepted"
    assert HIDDEN_PHONE in _page(client, people.zhao, "hall:directory_cards")
    client.force_login(people.zhao)
    response = client.get(reverse("hall:directory_card_vcard", args=[exchange.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    card = parse(response.content.decode())
    assert text_value(card, "FN") == "张伟"
    assert card["TEL"][0][1] == f"tel:{HIDDEN_PHONE}"
    client.force_login(people.li)  # not a party
    assert client.get(reverse("hall:directory_card_vcard", args=[exchange.pk])).status_code == 404


def test_decline_and_pending_cards_download_nothing(client, people):
    exchange = CardExchangeFactory(requester=people.zhao, recipient=people.zhang)
    client.force_login(people.zhao)
    assert client.get(reverse("hall:directory_card_vcard", args=[exchange.pk])).status_code == 404
    client.force_login(people.zhang)
    client.post(reverse("hall:directory_card_decline", args=[exchange.pk]))
    exchange.refresh_from_db()
    assert exchange.status == "declined"


def test_qr_poster_and_personal_center_entries(client, people):
    client.force_login(people.zhang)
    poster = client.get(reverse("hall:directory_qr")).content.decode()
    assert "<svg" in poster and "http://testserver/alumni/" in poster
    with translation.override("en"):
        me = client.get(reverse("hall:me"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("hall:directory_privacy") in me and reverse("hall:directory_cards") in me
    home = client.get(reverse("hall:home")).content.decode()
    assert reverse("hall:directory_near") in home


def test_directory_page_costs_the_same_queries_for_one_or_many(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.directory.factories import make_alumnus

    for _ in range(5):
        make_alumnus()
    client.force_login(people.zhang)
    url = reverse("hall:alumni")
    client.get(url)  # warms the shell's caches (branding)
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"q": "李娜"})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one) <= 12
