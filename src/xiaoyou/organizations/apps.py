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
        _register_invitation_entries()


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
