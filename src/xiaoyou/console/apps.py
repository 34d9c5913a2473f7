from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
            Figure(
                "organizations",
                pgettext_lazy("dashboard figure", "Organizations"),
                selectors.organizations_count,
                order=30,
            ),
            Figure(
                "pending_todos",
                _("Pending to-dos"),
                selectors.pending_todos,
                url_name="console:reviews",
                order=40,
            ),
        ):
            dashboard_figures.add(figure)
        # The dashboard lists admin log entries; core registers the rule, this is a fallback.
        try:
            policy.rule_for(AuditEntry, "view")
        except LookupError:
            policy.register(AuditEntry, "view", role=Role.ADMIN, org_field="org")
        _register_reviews_and_audit()


def _register_reviews_and_audit() -> None:
    # The to-do list (with the pending badge) and the audit log.
    from xiaoyou.console.views.audit import may_see_audit_log
    from xiaoyou.console.views.reviews import may_see_reviews
    from xiaoyou.core.registry import NavEntry, console_nav
    from xiaoyou.core.reviews import pending_count_for

    console_nav.add(
        NavEntry(
            key="todos",
            label=_("To-dos"),
            url_name="console:reviews",
            icon="todo",
            section=_("Overview"),
            order=10,
            permission=may_see_reviews,
            badge=lambda request: pending_count_for(request.user),
        )
    )
    console_nav.add(
        NavEntry(
            key="audit",
            label=_("Audit log"),
            url_name="console:audit",
            icon="audit",
            section=_("System"),
            order=900,
            permission=may_see_audit_log,
        )
    )
