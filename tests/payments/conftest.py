from __future__ import annotations

import pytest

from tests.payments import fake_provider


@pytest.fixture
def gateway(settings):
    """The fake provider enabled (test double, see fake_provider.py) with an empty gateway."""
    settings.PAYMENTS_PROVIDERS = {**settings.PAYMENTS_PROVIDERS, "fake": {}}
    settings.PAYMENTS_NOTIFY_BASE_URL = "http://testserver"
    return fake_provider.reset()


@pytest.fixture
def fee(org_tree, platform_admin):
    """A payment request (会费, 100 yuan) of the college."""
    from xiaoyou.payments.services.requests import payment_request_create

    return payment_request_create(
        actor=platform_admin, org=org_tree.college, title="2026年会费", amount=10000
    )


@pytest.fixture
def order(fee, verified_alumnus):
    from xiaoyou.payments.services.requests import payment_request_order

    return payment_request_order(payment_request=fee, payer=verified_alumnus)


@pytest.fixture
def paying(order, gateway):
    """The order started with the fake provider (QR)."""
    from xiaoyou.payments.providers.base import StartContext
    from xiaoyou.payments.services.orders import payment_start

    payment_start(order=order, provider="fake", channel="native", context=StartContext())
    return order
