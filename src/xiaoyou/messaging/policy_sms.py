"""Who may do what with SMS campaigns, the quota and birthday greetings (core.policy rules).

- An organization's admins (and the admins of the organizations above it) create, send,
  pause, resume, cancel and export its SMS campaigns, see its allocation and usage, and set
  its birthday greetings and read their log.
- The school's annual quota, the allocations and the opt-out list are the platform admins'
  (superusers: core.policy lets them do everything; nobody else passes the check).
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _nobody(_user: Any, _obj: Any) -> bool:
    return False


def register() -> None:
    from xiaoyou.messaging.models import (
        BirthdayGreeting,
        BirthdaySetting,
        SmsAllocation,
        SmsCampaign,
        SmsMessage,
        SmsOptOut,
        SmsQuota,
        SmsUsage,
    )
    from xiaoyou.organizations.models import Role

    for action in ("view", "manage", "send", "export"):
        policy.register(SmsCampaign, action, role=Role.ADMIN)
    policy.register(SmsMessage, "view", role=Role.ADMIN, org_field="campaign__org")
    policy.register(SmsAllocation, "view", role=Role.ADMIN)
    policy.register(SmsUsage, "view", role=Role.ADMIN)
    policy.register(SmsQuota, "manage", role=None, check=_nobody)
    policy.register(SmsOptOut, "manage", role=None, check=_nobody)
    policy.register(BirthdaySetting, "manage", role=Role.ADMIN)
    policy.register(BirthdayGreeting, "view", role=Role.ADMIN)
