"""API of the cloud card: my card with its live code, partners, my vouchers."""

from __future__ import annotations

import pytest

from tests.cards.factories import CardFactory, VoucherFactory, VoucherTypeFactory
from xiaoyou.cards.services.cards import card_from_live_token

pytestmark = pytest.mark.django_db


def test_my_card_gives_a_live_code_that_verifies(client, program, holder, hotel):
    card = CardFactory(program=program, user=holder)
    VoucherFactory(voucher_type=VoucherTypeFactory(partner=hotel[0]), user=holder)
    client.force_login(holder)
    body = client.get("/api/v1/cards/me").json()
    assert body["number"] == card.number and body["live_code_valid_seconds"] == 60
    token = body["live_code_url"].rstrip("/").rsplit("/", 1)[1]
    assert card_from_live_token(token) == card
    assert [item["name"] for item in client.get("/api/v1/cards/partners").json()] == ["校友酒店"]
    [voucher] = client.get("/api/v1/cards/vouchers").json()
    assert (voucher["partner_name"], voucher["status"]) == ("校友酒店", "issued")


def test_without_a_card_there_is_none_and_anonymous_callers_are_refused(client, program, holder):
    client.force_login(holder)
    assert client.get("/api/v1/cards/me").status_code == 404
    client.logout()
    assert client.get("/api/v1/cards/vouchers").status_code == 401
