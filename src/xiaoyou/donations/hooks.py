"""Extension points of the donations app (钩子), called explicitly by its services after their
transaction commits (same `Hook` type as the events app's; a failing subscriber is logged and
never undoes the gift).

Hooks and their subscribers (keep this list current when you subscribe):

- `donation_paid.send(donation)`: sent by `services.giving.donation_paid` once per gift, when
  its payment is counted (never for a replay). Subscribers:
  - `xiaoyou.shop.services.points.on_donation_paid` (subscribed in the shop app's ready()):
    awards the points of the project's organization's "donation" rule.
"""

from __future__ import annotations

from xiaoyou.events.hooks import Hook

donation_paid = Hook("donation_paid")

HOOKS: dict[str, Hook] = {hook.name: hook for hook in (donation_paid,)}
