from __future__ import annotations

from tests.payments.conftest import gateway  # noqa: F401 - the fake provider, enabled
