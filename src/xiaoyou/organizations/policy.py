"""Who may do what on organizations."""

from __future__ import annotations

from xiaoyou.core import policy
from xiaoyou.organizations.models import Invitation, JoinRequest, Organization, Role


def register() -> None:
    # The organization itself is the scope: `org_field=""` means "the object is the org".
    policy.register(Organization, "view", role=Role.MEMBER, org_field="")
    policy.register(Organization, "change", role=Role.ADMIN, org_field="")
    policy.register(Organization, "add_child", role=Role.ADMIN, org_field="")
    policy.register(Organization, "manage_roles", role=Role.ADMIN, org_field="")
    policy.register(Organization, "review", role=Role.ADMIN, org_field="")
    register_organization_management()
    # Any signed-in user may ask to join; admins of the org (or above) see the requests.
    policy.register(JoinRequest, "submit", role=None)
    policy.register(JoinRequest, "view", role=Role.ADMIN, org_field="org")
    register_invitations()
    register_membership()


def _may_offer_role(user: object, invitation: Invitation) -> bool:
    """Only a president (of the org or above) or a platform admin may offer the presidency."""
    from xiaoyou.organizations.selectors import has_role

    if invitation.role != Role.PRESIDENT:
        return True
    return has_role(user, invitation.org, Role.PRESIDENT)


def register_invitations() -> None:
    # 邀请: admins of the org (or above) invite; the code itself authorizes accepting it.
    policy.register(Invitation, "create", role=Role.ADMIN, org_field="org", check=_may_offer_role)
    policy.register(Invitation, "view", role=Role.ADMIN, org_field="org")
    policy.register(Invitation, "revoke", role=Role.ADMIN, org_field="org", check=_may_offer_role)
    policy.register(Invitation, "accept", role=None)


def _platform_admins_only(user: object, obj: object) -> bool:
    # Superusers pass before any check; for everyone else the answer is no.
    return False


def _admin_of_either_side(user: object, link: object) -> bool:
    from xiaoyou.organizations.selectors import has_role

    return has_role(user, link.from_org, Role.ADMIN) or has_role(  # type: ignore[attr-defined]
        user,
        link.to_org,  # type: ignore[attr-defined]
        Role.ADMIN,
    )


def register_organization_management() -> None:
    # 组织管理: archiving or restoring is decided above the organization (by its parent's
    # admins), so an association's own admins cannot disband it; moving a branch of the tree
    # is for platform admins only.
    from xiaoyou.organizations.models import OrganizationLink

    policy.register(Organization, "archive", role=Role.ADMIN, org_field="parent")
    policy.register(Organization, "restore", role=Role.ADMIN, org_field="parent")
    policy.register(
        Organization, "move", role=Role.ADMIN, org_field="", check=_platform_admins_only
    )
    policy.register(Organization, "view_stats", role=Role.ADMIN, org_field="")
    policy.register(OrganizationLink, "delete", role=None, check=_admin_of_either_side)


def register_membership() -> None:
    # 会员管理: admins of the member's organization (or above) see and manage members, their
    # groups and the files attached to join requests.
    from xiaoyou.organizations.models import JoinRequestFile, MemberGroup, Membership

    policy.register(Membership, "view", role=Role.ADMIN, org_field="org")
    policy.register(Membership, "manage", role=Role.ADMIN, org_field="org")
    policy.register(Membership, "export", role=Role.ADMIN, org_field="org")
    policy.register(MemberGroup, "view", role=Role.ADMIN, org_field="org")
    policy.register(MemberGroup, "manage", role=Role.ADMIN, org_field="org")
    policy.register(JoinRequestFile, "view", role=Role.ADMIN, org_field="request__org")
