"""What the payments console registers at start-up: policy rules, sidebar entries, the
dashboard figure (today's income) and the daily reconciliation schedule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core import schedules
    from xiaoyou.core.registry import Figure, NavEntry, console_nav, dashboard_figures
    from xiaoyou.payments import policy_console
    from xiaoyou.payments.services import reconciliation  # declares the task

    policy_console.register()
    section = _("Payments")
    entries: list[tuple[str, Any, str, str, int, Any]] = [
        ("payments_orders", _("Payments"), "console:payments_orders", "card", 600, None),
        (
            "payments_reconciliation",
            _("Reconciliation"),
            "console:payments_reconciliation",
            "check-square",
            620,
            _may_reconcile,
        ),
    ]
    if policy_console._payment_request_model() is not None:
        entries.append(
            (
                "payments_requests",
                _("Payment requests"),
                "console:payments_requests",
                "qr",
                610,
                None,
            )
        )
    for key, label, url_name, icon, order, permission in entries:
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=section,
                order=order,
                permission=permission or is_console_user,
            )
        )
    dashboard_figures.add(
        Figure(
            key="payments_today_income",
            label=_("Income today (yuan)"),
            value=today_income_text,
            url_name="console:payments_orders",
            order=60,
        )
    )
    schedules.schedule(
        "payments.reconcile-yesterday",
        reconciliation.RECONCILE_TASK,
        crontab="0 10 * * *",
        description="Payments: reconciliation of yesterday's ledger against each provider's bill.",
    )


def _may_reconcile(user: Any) -> bool:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core import policy
    from xiaoyou.payments.models import ReconciliationReport

    return is_console_user(user) and policy.can(user, "view", ReconciliationReport)


def today_income_text(request: HttpRequest) -> str:
    from xiaoyou.payments.money import format_yuan
    from xiaoyou.payments.selectors_console import income_on

    return format_yuan(income_on(request))
