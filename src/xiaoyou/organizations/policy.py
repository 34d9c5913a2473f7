"""Who may do what on organizations."""

from __future__ import annotations

from xiaoyou.core import policy
from xiaoyou.organizations.models import JoinRequest, Organization, Role


def register() -> None:
    # The organization itself is the scope: `org_field=""` means "the object is the org".
    policy.register(Organization, "view", role=Role.MEMBER, org_field="")
    policy.register(Organization, "change", role=Role.ADMIN, org_field="")
    policy.register(Organization, "add_child", role=Role.ADMIN, org_field="")
    policy.register(Organization, "manage_roles", role=Role.ADMIN, org_field="")
    policy.register(Organization, "review", role=Role.ADMIN, org_field="")
    # Any signed-in user may ask to join; admins of the org (or above) see the requests.
    policy.register(JoinRequest, "submit", role=None)
    policy.register(JoinRequest, "view", role=Role.ADMIN, org_field="org")
