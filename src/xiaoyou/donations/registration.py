"""What the donations app registers at start-up: policy rules, the payable, notification kinds,
schedules and the shells' entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    from xiaoyou.donations import errors, policy, tasks  # noqa: F401 - errors: messages
    from xiaoyou.donations.links import gift_url
    from xiaoyou.donations.models import Donation
    from xiaoyou.donations.services import gratitude, pledges
    from xiaoyou.donations.services.giving import describe, donation_paid, donation_refunded
    from xiaoyou.payments.payables import register_payable

    policy.register()
    _giving_register()
    register_payable(
        Donation,
        on_paid=donation_paid,
        on_refunded=donation_refunded,
        describe=describe,
        next_url=gift_url,
    )
    gratitude.register_notification_kinds()
    pledges.register_notification_kinds()
    tasks.register()
    _ui()


def _ui() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        QuickEntry,
        Section,
        console_nav_section,
        hall_menu,
        personal_center_entries,
    )
    from xiaoyou.donations.views import hall_pledges, hall_projects

    console_nav_section(
        _("Donations"),
        [
            (
                "donation_projects",
                _("Donation projects"),
                "console:donation_projects",
                "heart",
                500,
            ),
            ("donations", _("Donation records"), "console:donations", "list", 501),
            (
                "donation_statistics",
                _("Giving statistics"),
                "console:donation_statistics",
                "chart",
                502,
            ),
            ("giving_days", _("Giving days"), "console:giving_days", "calendar", 503),
        ],
        permission=is_console_user,
    )
    hall_menu.add(
        QuickEntry(
            key="donations",
            label=_("Give"),
            url_name="hall:donation_projects",
            icon="heart",
            order=40,
        )
    )
    personal_center_entries.add(
        Section(
            key="donations_mine",
            label=_("My donations"),
            render=hall_projects.my_donations_entry,
            order=40,
        )
    )
    personal_center_entries.add(
        Section(
            key="donations_pledges",
            label=_("My monthly gifts"),
            render=hall_pledges.my_pledges_entry,
            order=41,
        )
    )


def _giving_register() -> None:
    """Giving days, statistics and beneficiaries' posts (issue 9 items 6 and 7)."""
    from xiaoyou.donations import errors_giving, policy_giving  # noqa: F401 - errors: messages
    from xiaoyou.donations.services import community, replies

    policy_giving.register()
    community.register()
    replies.register()
