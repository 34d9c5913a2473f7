"""Who may see and act on payments in the console (rules for core.policy).

Orders belong to the organization that collects the money: its admins (and admins of its
ancestors) see and refund them. Reconciliation reports are per provider account, which is the
school's: only admins of the main association (and platform operators) see them. Payment
requests (收款项目) are managed by the admins of their organization.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from xiaoyou.core import policy
from xiaoyou.organizations.models import Role


def _root(_obj: Any) -> Any:
    from xiaoyou.organizations.selectors import root_organization

    return root_organization()


def register() -> None:
    from xiaoyou.payments.models import PaymentOrder, ReconciliationReport

    # The rules of payments/policy.py come first (registration order); these fill the gaps.
    for action in ("view", "refund"):
        _default(PaymentOrder, action)
    if _payment_request_model() is not None:
        _default("payments.paymentrequest", "manage")
    policy.register(ReconciliationReport, "view", role=Role.ADMIN, org_field="", org_of=_root)


def _default(model: Any, action: str) -> None:
    try:
        policy.rule_for(model, action)
    except LookupError:
        policy.register(model, action, role=Role.ADMIN)


def _payment_request_model() -> Any:
    try:
        return apps.get_model("payments", "PaymentRequest")
    except LookupError:
        return None
