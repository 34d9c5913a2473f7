from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniConfig(AppConfig):
    name = "xiaoyou.alumni"
    label = "alumni"
    verbose_name = _("Alumni")

    def ready(self) -> None:
        from xiaoyou.alumni import policy

        policy.register()
        _register_records()
        _register_identity_and_duplicates()
        _register_import()
        _register_search()
        _register_stats()
        _register_campaigns()


def _register_identity_and_duplicates() -> None:
    # 认证校友身份 (claims, review kind, hall entry) and 疑似重复 (job, console page).
    from xiaoyou.alumni import duplicates
    from xiaoyou.alumni.services import claims
    from xiaoyou.alumni.views import hall_claim
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, Section, console_nav, personal_center_entries

    claims.register_review_kind()
    duplicates.register_jobs()
    console_nav.add(
        NavEntry(
            key="alumni_duplicates",
            label=_("Duplicate records"),
            url_name="console:alumni_duplicates",
            icon="users",
            section=_("Alumni"),
            order=230,
            permission=is_console_user,
        )
    )
    personal_center_entries.add(
        Section(
            key="alumni_claim",
            label=_("Claim my record"),
            render=hall_claim.claim_entry,
            order=20,
        )
    )


def _register_import() -> None:
    # 批量导入: policy rules, the background job kind and the console entry.
    from xiaoyou.alumni.services import importing
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    importing.register()
    console_nav.add(
        NavEntry(
            key="alumni_import",
            label=_("Import"),
            url_name="console:alumni_import",
            icon="upload",
            section=_("Alumni"),
            order=220,
            permission=is_console_user,
        )
    )


def _register_records() -> None:
    # 档案管理: custom fields and departments in the console nav, "My profile" in the hall.
    from django.core import checks

    from xiaoyou.alumni import sensitive
    from xiaoyou.alumni.views import hall_profile
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        NavEntry,
        QuickEntry,
        Section,
        console_nav,
        personal_center_entries,
        quick_entries,
    )

    def platform_admin(user: object) -> bool:
        return bool(getattr(user, "is_superuser", False))

    console_nav.add(
        NavEntry(
            key="alumni_fields",
            label=_("Custom fields"),
            url_name="console:alumni_fields",
            icon="list",
            section=_("Alumni"),
            order=240,
            permission=platform_admin,
        )
    )
    console_nav.add(
        NavEntry(
            key="alumni_departments",
            label=_("Departments"),
            url_name="console:alumni_departments",
            icon="building",
            section=_("Alumni"),
            order=250,
            permission=platform_admin,
        )
    )
    checks.register(sensitive.check_field_encryption_key)
    quick_entries.add(
        QuickEntry(
            key="alumni_record_create",
            label=_("New alumni record"),
            url_name="console:alumni_record_create",
            icon="plus",
            order=40,
            permission=is_console_user,
        )
    )
    personal_center_entries.add(
        Section(
            key="alumni_my_profile",
            label=_("My profile"),
            render=hall_profile.profile_entry,
            order=15,
        )
    )


def _register_search() -> None:
    # 校友档案 / 多维度查询: the console entry of the archive and the console global search.
    from xiaoyou.alumni.views import console_search
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, SearchProvider, console_nav, search_providers

    console_nav.add(
        NavEntry(
            key="alumni_search",
            label=_("Alumni records"),
            url_name="console:alumni_search",
            icon="search",
            section=_("Alumni"),
            order=210,
            permission=is_console_user,
        )
    )
    search_providers.add(
        SearchProvider(
            key="alumni_records",
            label=_("Alumni records"),
            search=console_search.global_search,
            order=20,
        )
    )


def _register_campaigns() -> None:
    # 信息采集: policy rules, the conflict review kind, the console entry and "My campaigns".
    from xiaoyou.alumni.services import campaigns
    from xiaoyou.alumni.views import hall_campaigns
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, Section, console_nav, personal_center_entries

    campaigns.register()
    console_nav.add(
        NavEntry(
            key="alumni_campaigns",
            label=_("Information campaigns"),
            url_name="console:alumni_campaigns",
            icon="list",
            section=_("Alumni"),
            order=235,
            permission=is_console_user,
        )
    )
    personal_center_entries.add(
        Section(
            key="alumni_campaigns",
            label=_("My campaigns"),
            render=hall_campaigns.campaigns_entry,
            order=25,
        )
    )


def _register_stats() -> None:
    # 校友统计: the console page and the nightly coverage snapshot.
    from xiaoyou.alumni.services import stats
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    stats.register()
    console_nav.add(
        NavEntry(
            key="alumni_stats",
            label=_("Alumni statistics"),
            url_name="console:alumni_stats",
            icon="chart",
            section=_("Alumni"),
            order=260,
            permission=is_console_user,
        )
    )
