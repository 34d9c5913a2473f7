"""Who may do what with giving days and beneficiaries' posts (rules evaluated by core.policy).

- Giving days: admins of the day's organization (and above) manage them (the same "manage"
  rule as projects); everyone sees a published or closed one.
- Beneficiaries: admins of the project's organization name them and moderate their posts.
- A beneficiary (a signed-in person named on the project) posts thanks and updates
  ("post_thanks" on the project); published posts are seen by whoever may view the project,
  a pending or rejected one by its author and the moderators only.
- A donor of the project (signed in, with a paid gift to it) replies to a published post
  ("reply" on the post); the project's admins moderate replies like posts.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _can_view_day(user: Any, day: Any) -> bool:
    from xiaoyou.donations.models import GivingDayStatus

    if day.status in (GivingDayStatus.PUBLISHED, GivingDayStatus.CLOSED):
        return True
    return policy.can(user, "manage", day)


def is_beneficiary(user: Any, project: Any) -> bool:
    from xiaoyou.donations.models import ProjectBeneficiary

    if not _is_authenticated(user):
        return False
    return ProjectBeneficiary.objects.filter(project_id=project.pk, user_id=user.pk).exists()


def _can_view_post(user: Any, post: Any) -> bool:
    from xiaoyou.donations.models import PostStatus

    if post.status == PostStatus.PUBLISHED:
        return policy.can(user, "view", post.project)
    if _is_authenticated(user) and post.author_id == user.pk:
        return True
    return policy.can(user, "moderate", post)


def is_donor(user: Any, project_id: int) -> bool:
    """A signed-in person with a paid gift to the project."""
    from xiaoyou.donations.models import Donation, DonationStatus

    if not _is_authenticated(user):
        return False
    return Donation.objects.filter(
        project_id=project_id, user_id=user.pk, status=DonationStatus.PAID
    ).exists()


def _can_reply(user: Any, post: Any) -> bool:
    from xiaoyou.donations.models import PostStatus

    return post.status == PostStatus.PUBLISHED and is_donor(user, post.project_id)


def register() -> None:
    from xiaoyou.donations.models import (
        BeneficiaryPost,
        DonationProject,
        GivingDay,
        PostReply,
        ProjectBeneficiary,
    )
    from xiaoyou.organizations.models import Role

    policy.register(GivingDay, "manage", role=Role.ADMIN)
    policy.register(GivingDay, "view", role=None, check=_can_view_day, allow_anonymous=True)
    policy.register(ProjectBeneficiary, "manage", role=Role.ADMIN, org_field="project__org")
    policy.register(DonationProject, "post_thanks", role=None, check=is_beneficiary)
    policy.register(BeneficiaryPost, "moderate", role=Role.ADMIN, org_field="project__org")
    policy.register(BeneficiaryPost, "view", role=None, check=_can_view_post, allow_anonymous=True)
    policy.register(BeneficiaryPost, "reply", role=None, check=_can_reply)
    policy.register(PostReply, "moderate", role=Role.ADMIN, org_field="post__project__org")
