"""Who may do what in the shop (rules evaluated by core.policy).

- Admins of a product's organization (and of the organizations above it) manage its products,
  its orders (ship, refund, export) and its points rules; a college's admins never see another
  college's orders or buyers.
- `buy`/`view` a product: anyone signed in, while it is on the shelf (managers always see it).
- An order is seen by its buyer and by its organization's managers; only the buyer pays it,
  cancels it while unpaid, or confirms its receipt.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _can_view_product(user: Any, product: Any) -> bool:
    return bool(product.is_on_shelf) or policy.can(user, "manage", product)


def _is_buyer(user: Any, order: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and order.buyer_id == user.pk


def _is_buyer_or_manager(user: Any, order: Any) -> bool:
    return _is_buyer(user, order) or policy.can(user, "manage", order)


def register() -> None:
    from xiaoyou.organizations.models import Role
    from xiaoyou.shop.models import Order, PointsRule, Product

    policy.register(Product, "manage", role=Role.ADMIN)
    policy.register(Product, "view", role=None, check=_can_view_product, allow_anonymous=True)
    policy.register(Product, "buy", role=None, check=lambda user, product: product.is_on_shelf)
    policy.register(Order, "manage", role=Role.ADMIN)
    policy.register(Order, "view", role=None, check=_is_buyer_or_manager)
    # "buy" covers the buyer's own steps: pay, cancel while unpaid, confirm receipt.
    policy.register(Order, "buy", role=None, check=_is_buyer)
    policy.register(PointsRule, "manage", role=Role.ADMIN)
