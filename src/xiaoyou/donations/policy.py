"""Who may do what with donations (rules evaluated by core.policy).

- Admins of a project's organization (and of the organizations above it) manage the project,
  its reports and its gifts (list, export, refund through the payments console); a college's
  admins never see another college's projects or donors.
- `give`: anyone, signed in or not, for a public project; verified alumni or members of the
  organization for projects limited to them.
- A monthly pledge is paused, resumed or cancelled by its donor only; the project's managers
  see the project's pledges.
- A gift is seen by its donor (signed in, or holding the payment link of an anonymous order)
  and by the project's managers.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _can_give(user: Any, project: Any) -> bool:
    from xiaoyou.donations.models import ProjectVisibility
    from xiaoyou.events.policy import is_member, is_verified_alumnus

    if project.visibility == ProjectVisibility.PUBLIC:
        return True
    if not _is_authenticated(user):
        return False
    if project.visibility == ProjectVisibility.VERIFIED:
        return is_verified_alumnus(user)
    return is_member(user, project.org_id)


def _can_view_project(user: Any, project: Any) -> bool:
    from xiaoyou.donations.models import ProjectStatus

    if policy.can(user, "manage", project):
        return True
    return project.status in (ProjectStatus.PUBLISHED, ProjectStatus.CLOSED)


def _is_donor_or_manager(user: Any, donation: Any) -> bool:
    if _is_authenticated(user) and donation.user_id == user.pk:
        return True
    return policy.can(user, "manage", donation)


def _is_pledger(user: Any, pledge: Any) -> bool:
    return _is_authenticated(user) and pledge.user_id == user.pk


def register() -> None:
    from xiaoyou.donations.models import Donation, DonationProject, Pledge, ProjectReport
    from xiaoyou.organizations.models import Role

    for action in ("manage", "export"):
        policy.register(DonationProject, action, role=Role.ADMIN)
    policy.register(
        DonationProject, "view", role=None, check=_can_view_project, allow_anonymous=True
    )
    policy.register(DonationProject, "give", role=None, check=_can_give, allow_anonymous=True)
    policy.register(ProjectReport, "manage", role=Role.ADMIN, org_field="project__org")
    policy.register(Donation, "manage", role=Role.ADMIN, org_field="project__org")
    policy.register(Donation, "view", role=None, check=_is_donor_or_manager)
    # "cancel" covers the donor's own changes to their pledge: pause, resume and cancel.
    policy.register(Pledge, "cancel", role=None, check=_is_pledger)
    policy.register(Pledge, "manage", role=Role.ADMIN, org_field="project__org")
