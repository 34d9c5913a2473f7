from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "xiaoyou.hall"
    label = "hall"
    verbose_name = _("Hall")

    def ready(self) -> None:
        from xiaoyou.core.registry import Section, personal_center_entries
        from xiaoyou.hall.views import hall

        personal_center_entries.add(
            Section(key="console", label=_("Console"), render=hall.console_entry, order=10)
        )
        personal_center_entries.add(
            Section(
                key="account", label=_("Account security"), render=hall.account_entry, order=800
            )
        )
        # 我的 → 我的消息: the notification inbox, with the unread count.
        from xiaoyou.hall.views.notifications import center_entry

        personal_center_entries.add(
            Section(key="notifications", label=_("My notifications"), render=center_entry, order=20)
        )
        # 首页 → 最新加入的校友: the newest members of the main association (avatars).
        from xiaoyou.core.registry import hall_home_sections
        from xiaoyou.hall.sections import SECTION_SECONDS, recent_members_section
        from xiaoyou.organizations.services.activation import MEMBERSHIP_TOPIC

        hall_home_sections.add(
            Section(
                key="recent_members",
                label=_("Recently joined alumni"),
                render=recent_members_section,
                order=10,
                cache_seconds=SECTION_SECONDS,
                cache_topics=(MEMBERSHIP_TOPIC,),
            )
        )
