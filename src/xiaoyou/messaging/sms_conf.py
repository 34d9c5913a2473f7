"""Settings of SMS campaigns, the quota and receipts: Django settings when set (tests), else the
environment through core.env's typed helpers, else the defaults below.

- MESSAGING_SMS_ANNUAL_QUOTA: the school's segments per calendar year (default 100,000).
- MESSAGING_SMS_RATE: messages per second per provider, as JSON {"aliyun": 50, ...}; providers
  not named get MESSAGING_SMS_RATE_DEFAULT (default 20). Shared by all workers (cache counter).
- MESSAGING_SMS_CALLBACK_TOKEN: the secret path segment of the receipt URLs given to the
  providers (/m/sms/<provider>/<report|reply>/<token>); empty disables receipts.
- MESSAGING_SMS_LEASE_SECONDS: how long a worker holds claimed messages (default 120).
- MESSAGING_SMS_BATCH: messages claimed at once (default 50).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from xiaoyou.core.env import env_int, env_str


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def annual_quota() -> int:
    return int(
        _setting("MESSAGING_SMS_ANNUAL_QUOTA", env_int("MESSAGING_SMS_ANNUAL_QUOTA", 100_000))
    )


def rate_per_second(provider: str) -> int:
    rates = _setting("MESSAGING_SMS_RATE", None)
    if rates is None:
        rates = json.loads(env_str("MESSAGING_SMS_RATE", "{}") or "{}")
    default = int(_setting("MESSAGING_SMS_RATE_DEFAULT", env_int("MESSAGING_SMS_RATE_DEFAULT", 20)))
    return max(1, int(rates.get(provider, default)))


def callback_token() -> str:
    return str(
        _setting("MESSAGING_SMS_CALLBACK_TOKEN", env_str("MESSAGING_SMS_CALLBACK_TOKEN", ""))
    )


def lease_seconds() -> int:
    return int(_setting("MESSAGING_SMS_LEASE_SECONDS", env_int("MESSAGING_SMS_LEASE_SECONDS", 120)))


def batch_size() -> int:
    return int(_setting("MESSAGING_SMS_BATCH", env_int("MESSAGING_SMS_BATCH", 50)))
