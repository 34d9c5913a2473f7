"""Who may do what with detected faces (rules evaluated by core.policy).

- Tagging a face with the person it shows (and removing a tag) is for the admins of the
  photo's album's organization (and the organizations above it); platform operators too.
- Everything else about face data is the person's own (consent, search, deletion): services
  act on the actor's own rows only, so there is nothing to grant.
"""

from __future__ import annotations

from xiaoyou.core import policy


def register() -> None:
    from xiaoyou.content.models import DetectedFace
    from xiaoyou.organizations.models import Role

    policy.register(DetectedFace, "tag", role=Role.ADMIN, org_field="photo__album__org")
