"""What the shop registers at start-up: policy rules, the payable, schedules, hook subscribers
and the shells' entries."""

from __future__ import annotations


def register_all() -> None:
    from xiaoyou.alumni.hooks import profile_completed
    from xiaoyou.donations.hooks import donation_paid
    from xiaoyou.events.hooks import attendee_checked_in
    from xiaoyou.payments.payables import register_payable
    from xiaoyou.shop import demo, errors, policy, tasks  # noqa: F401 - errors: messages
    from xiaoyou.shop.models import Order
    from xiaoyou.shop.services import orders, points

    policy.register()
    register_payable(
        Order,
        on_paid=orders.order_paid,
        on_refunded=orders.order_refunded,
        describe=orders.describe,
        next_url=orders.next_url,
    )
    tasks.register()
    demo.register()
    attendee_checked_in.subscribe(points.on_attendee_checked_in)
    donation_paid.subscribe(points.on_donation_paid)
    profile_completed.subscribe(points.on_profile_completed)
    _ui()


def _ui() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        QuickEntry,
        Section,
        console_nav_section,
        hall_menu,
        personal_center_entries,
    )
    from xiaoyou.shop.views import hall

    console_nav_section(
        _("Shop"),
        [
            ("shop_products", _("Products"), "console:shop_products", "shop", 700),
            ("shop_orders", _("Shop orders"), "console:shop_orders", "list", 701),
            ("shop_points_rules", _("Points rules"), "console:shop_points_rules", "star", 702),
        ],
        permission=is_console_user,
    )
    hall_menu.add(
        QuickEntry(key="shop", label=_("Shop"), url_name="hall:shop", icon="shop", order=80)
    )
    personal_center_entries.add(
        Section(key="shop_orders", label=_("My orders"), render=hall.my_orders_entry, order=60)
    )
    personal_center_entries.add(
        Section(key="shop_points", label=_("My points"), render=hall.my_points_entry, order=61)
    )
