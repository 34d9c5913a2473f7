from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "xiaoyou.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from xiaoyou.organizations import policy, services

        policy.register()
        services.register_review_kinds()
        _register_organization_management()
        _register_invitation_entries()
        _register_membership()


def _register_organization_management() -> None:
    # 组织管理: every organization admin sees the organizations of their branch.
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    console_nav.add(
        NavEntry(
            key="organizations",
            label=_("Organizations"),
            url_name="console:org_list",
            icon="org",
            section=_("Organizations"),
            order=100,
            permission=is_console_user,
        )
    )


def _register_invitation_entries() -> None:
    # 邀请: every organization admin may invite (the pages check the role per organization).
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    console_nav.add(
        NavEntry(
            key="invitations",
            label=_("Invitations"),
            url_name="console:invitation_list",
            icon="mail",
            section=_("Organizations"),
            order=140,
            permission=is_console_user,
        )
    )


def _register_membership() -> None:
    # 会员管理 in the console; my organizations and recommendations in the hall.
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        NavEntry,
        Section,
        console_nav,
        hall_home_sections,
        personal_center_entries,
    )
    from xiaoyou.organizations.services import join_decisions, sms_invites
    from xiaoyou.organizations.views import hall_orgs

    join_decisions.register_notification_kinds()
    sms_invites.register_jobs()
    console_nav.add(
        NavEntry(
            key="members",
            label=_("Members"),
            url_name="console:member_list",
            icon="users",
            section=_("Organizations"),
            order=120,
            permission=is_console_user,
        )
    )
    personal_center_entries.add(
        Section(
            key="my_orgs", label=_("My organizations"), render=hall_orgs.my_orgs_entry, order=30
        )
    )
    from xiaoyou.core.registry import QuickEntry, hall_menu

    hall_menu.add(
        QuickEntry(
            key="org_directory",
            label=_("Alumni organizations"),
            url_name="hall:org_directory",
            icon="org",
            order=30,
        )
    )
    hall_home_sections.add(
        Section(
            key="org_recommendations",
            label=_("You may want to join"),
            render=hall_orgs.recommendations_section,
            order=40,
        )
    )
