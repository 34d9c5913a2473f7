"""Who may do what on the kernel's own models (the audit log and the review queue)."""

from __future__ import annotations

from xiaoyou.core import policy
from xiaoyou.core.models import AuditEntry, ReviewItem
from xiaoyou.organizations.models import Role


def register() -> None:
    # Admins of an organization see the audit log and decide the reviews of its whole subtree;
    # entries without an organization (platform-wide actions) are for platform operators only.
    policy.register(AuditEntry, "view", role=Role.ADMIN, org_field="org")
    policy.register(ReviewItem, "view", role=Role.ADMIN, org_field="org")
    policy.register(ReviewItem, "decide", role=Role.ADMIN, org_field="org")
