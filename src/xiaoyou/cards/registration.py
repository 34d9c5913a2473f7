"""What the cards app registers at start-up: policy rules, the check-in hook subscriber,
notification kinds, schedules and the shells' entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    from xiaoyou.cards import errors, policy, tasks  # noqa: F401 - errors: messages
    from xiaoyou.cards.services import applications, scans, vouchers
    from xiaoyou.events.hooks import attendee_checked_in

    policy.register()
    attendee_checked_in.subscribe(vouchers.on_attendee_checked_in)
    scans.register_notification_kinds()
    vouchers.register_notification_kinds()
    applications.register()
    tasks.register()
    _ui()


def _ui() -> None:
    from xiaoyou.cards.views import hall
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        QuickEntry,
        Section,
        console_nav_section,
        hall_menu,
        personal_center_entries,
    )

    console_nav_section(
        _("Cloud card"),
        [
            ("card_settings", _("Card settings"), "console:card_settings", "card", 560),
            ("card_partners", _("Partner institutions"), "console:card_partners", "building", 561),
            ("card_scans", _("Scan records"), "console:card_scans", "qr", 562),
            ("card_holders", _("Card holders"), "console:card_holders", "users", 564),
            ("card_vouchers", _("Vouchers"), "console:card_voucher_types", "gift", 563),
        ],
        permission=is_console_user,
    )
    hall_menu.add(
        QuickEntry(key="cards", label=_("Cloud card"), url_name="hall:card", icon="card", order=45)
    )
    personal_center_entries.add(
        Section(key="cards_mine", label=_("My cloud card"), render=hall.my_card_entry, order=15)
    )
    personal_center_entries.add(
        Section(key="cards_desk", label=_("Partner desk"), render=hall.partner_desk_entry, order=16)
    )
