"""Extension points of the alumni app (钩子), called explicitly by its services after their
transaction commits (same `Hook` type as the events app's; a failing subscriber is logged and
never undoes the change to the record).

What a "complete profile" (完善资料) is, defined here and nowhere else: a record linked to a
person's account whose contact and work fields PROFILE_COMPLETE_FIELDS are all filled in (mobile
phone, email, city, employer, position, industry). They are the fields the alumnus can fill in
themselves on the hall page 我的档案, so anyone can complete their own profile.

Hooks and their subscribers (keep this list current when you subscribe):

- `profile_completed.send(record)`: sent by `services.records.record_update` when an alumnus's
  own update (source "self") turns an incomplete record complete. Clearing a field and filling
  it again sends it again, so subscribers must be idempotent per record. Subscribers:
  - `xiaoyou.shop.services.points.on_profile_completed` (subscribed in the shop app's ready()):
    awards the points of the record's organization's "completed the profile" rule, once per
    record.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.events.hooks import Hook

PROFILE_COMPLETE_FIELDS: tuple[str, ...] = (
    "phone",
    "email",
    "city",
    "employer",
    "position",
    "industry",
)


def profile_is_complete(record: Any) -> bool:
    """True when `record` is linked to an account and every PROFILE_COMPLETE_FIELDS is filled."""
    if not getattr(record, "user_id", None):
        return False
    return all(str(getattr(record, field) or "").strip() for field in PROFILE_COMPLETE_FIELDS)


profile_completed = Hook("profile_completed")

HOOKS: dict[str, Hook] = {hook.name: hook for hook in (profile_completed,)}
