"""Who may see and change alumni records: admins of the record's organization (and above)."""

from __future__ import annotations

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.core import policy
from xiaoyou.organizations.models import Role


def register() -> None:
    # Records hold personal data (phone, employer, birth date): admins only, not members.
    policy.register(AlumniRecord, "view", role=Role.ADMIN)
    policy.register(AlumniRecord, "change", role=Role.ADMIN)
