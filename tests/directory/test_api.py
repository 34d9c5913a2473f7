"""The directory API: hidden fields are absent, privacy settings, card exchange and vCard."""

from __future__ import annotations

import pytest

from tests.directory.factories import PrivacySettingsFactory
from tests.directory.vcard_parser import parse, text_value
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
PHONE = "13800000001"


@pytest.fixture
def classmates_only(people):
    PrivacySettingsFactory(user=people.zhang, phone="classmates")
    return people


def _items(client, user, path, **params):
    client.force_login(user)
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_find_and_entry_leave_hidden_fields_out(client, classmates_only):
    people = classmates_only
    body = _items(client, people.zhao, "/api/v1/directory/alumni", q="张伟")
    assert [item["name"] for item in body["items"]] == ["张伟"]
    assert "phone" not in body["items"][0]["fields"] and PHONE not in str(body)
    entry = _items(client, people.zhao, f"/api/v1/directory/alumni/{people.zhang_record.pk}")
    assert entry["major"] == "软件工程" and "phone" not in entry["fields"]
    entry = _items(client, people.li, f"/api/v1/directory/alumni/{people.zhang_record.pk}")
    assert entry["fields"]["phone"] == PHONE
    near = _items(client, people.zhao, "/api/v1/directory/near-me")
    assert PHONE not in str(near) and "张伟" in str(near)


def test_unverified_users_get_no_directory(client, people):
    client.force_login(people.newcomer)
    response = client.get("/api/v1/directory/alumni")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    client.logout()
    assert client.get("/api/v1/directory/alumni").status_code == 401


def test_address_book(client, classmates_only):
    people = classmates_only
    org = OrganizationFactory()
    MembershipFactory(org=org, user=people.zhang)
    MembershipFactory(org=org, user=people.zhao)
    path = f"/api/v1/directory/organizations/{org.pk}/members"
    body = _items(client, people.zhao, path)
    assert body["count"] == 2 and PHONE not in str(body)
    client.force_login(people.li)
    assert client.get(path).status_code == 404


def test_privacy_get_and_put(client, people):
    client.force_login(people.zhang)
    body = client.get("/api/v1/me/privacy").json()
    assert body["chosen"]["phone"] == "" and body["defaults"]["phone"] == "classmates"
    response = client.put(
        "/api/v1/me/privacy", {"phone": "only_me"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["chosen"]["phone"] == "only_me"
    response = client.put("/api/v1/me/privacy", {"phone": "x"}, content_type="application/json")
    assert response.status_code == 400 or response.status_code == 422
    entry = _items(client, people.li, f"/api/v1/directory/alumni/{people.zhang_record.pk}")
    assert "phone" not in entry["fields"]


def test_cards_through_the_api(client, classmates_only):
    people = classmates_only
    client.force_login(people.zhao)
    response = client.post(
        f"/api/v1/directory/alumni/{people.zhang_record.pk}/card-requests",
        {"message": "你好"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    exchange_id = response.json()["id"]
    assert response.json()["direction"] == "sent" and PHONE not in response.content.decode()
    again = client.post(
        f"/api/v1/directory/alumni/{people.zhang_record.pk}/card-requests",
        {},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert client.post(f"/api/v1/directory/cards/{exchange_id}/accept").status_code == 403
    assert client.get(f"/api/v1/directory/cards/{exchange_id}/vcard").status_code == 404
    client.force_login(people.zhang)
    mine = client.get("/api/v1/me/cards").json()
    assert mine[0]["direction"] == "received" and mine[0]["other"]["name"] == "赵敏"
    accepted = client.post(f"/api/v1/directory/cards/{exchange_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    client.force_login(people.zhao)
    assert client.get("/api/v1/me/cards").json()[0]["other"]["fields"]["phone"] == PHONE
    response = client.get(f"/api/v1/directory/cards/{exchange_id}/vcard")
    assert response.status_code == 200
    assert text_value(parse(response.content.decode()), "FN") == "张伟"
