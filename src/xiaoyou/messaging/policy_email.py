"""Who may do what with email campaigns (rules evaluated by core.policy).

- An organization's admins (and the admins of the organizations above it) manage its email
  templates and campaigns: write, preview, test-send, send, pause, cancel, see the recipients and
  export them. Another organization's admins see none of it.
- Suppressed addresses are managed by the platform's admins (admins of the root organization).
"""

from __future__ import annotations

from xiaoyou.core import policy


def register() -> None:
    from xiaoyou.messaging.models import EmailCampaign, EmailMessage, EmailTemplate
    from xiaoyou.organizations.models import Role

    for action in ("manage", "view", "export"):
        policy.register(EmailCampaign, action, role=Role.ADMIN)
    policy.register(EmailTemplate, "manage", role=Role.ADMIN)
    policy.register(EmailMessage, "manage", role=Role.ADMIN, org_field="campaign__org")
