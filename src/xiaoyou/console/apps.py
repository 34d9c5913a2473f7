from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "xiaoyou.console"
    label = "console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from xiaoyou.console import selectors
        from xiaoyou.core import policy
        from xiaoyou.core.models import AuditEntry
        from xiaoyou.core.registry import Figure, NavEntry, console_nav, dashboard_figures
        from xiaoyou.organizations.models import Role

        # The console home page's own entry and figures; modules add theirs in their ready().
        console_nav.add(
            NavEntry(
                key="dashboard",
                label=_("Home"),
                url_name="console:dashboard",
                icon="dashboard",
                section=_("Overview"),
                order=0,
            )
        )
        for figure in (
            Figure(
                "new_users_week", _("New users this week"), selectors.new_users_this_week, order=10
            ),
            Figure(
                "new_users_month",
                _("New users this month"),
                selectors.new_users_this_month,
                order=20,
            ),
            Figure("organizations", _("Organizations"), selectors.organizations_count, order=30),
            Figure("pending_todos", _("Pending to-dos"), selectors.pending_todos, order=40),
        ):
            dashboard_figures.add(figure)
        # The dashboard lists admin log entries; core registers the rule, this is a fallback.
        try:
            policy.rule_for(AuditEntry, "view")
        except LookupError:
            policy.register(AuditEntry, "view", role=Role.ADMIN, org_field="org")
