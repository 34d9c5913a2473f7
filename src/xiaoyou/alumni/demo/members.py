"""Demo alumni who use the platform: accounts linked to verified records, so the modules' demo
content (registrations, votes, gifts) has real people behind it.

They cannot sign in (no usable password, no phone, no email): only the demo accounts of the
credentials file can. Found by username on a second run.
"""

from __future__ import annotations

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.demo_data import DEPARTMENTS
from xiaoyou.alumni.models import AlumniRecord, VerificationState
from xiaoyou.organizations.models import Organization

MEMBER_COUNT = 12
ALUMNUS_USERNAME = "demo-alumnus"


def member_username(number: int) -> str:
    return f"demo-alumni-{number:02d}"


def _free_record(root: Organization, department_code: str) -> AlumniRecord | None:
    return (
        AlumniRecord.objects.filter(
            org=root,
            department__code=department_code,
            user__isnull=True,
            deleted_at__isnull=True,
            merged_into__isnull=True,
        )
        .order_by("student_id")
        .first()
    )


def _seed_members(result: SeedResult, root: Organization) -> list[User]:
    """The demo alumnus first, then the demo alumni, one per department in turn (fewer when
    the school has fewer records than that)."""
    usernames = [member_username(number) for number in range(1, MEMBER_COUNT + 1)]
    existing = {user.username: user for user in User.objects.filter(username__in=usernames)}
    codes = [spec.code for spec in DEPARTMENTS]
    members: list[User] = []
    for index, username in enumerate(usernames):
        user = existing.get(username)
        if user is None:
            record = _free_record(root, codes[index % len(codes)])
            if record is None:
                continue
            user = User(username=username, display_name=record.name, is_staff=False)
            user.set_unusable_password()
            user.save()
            AlumniRecord.objects.filter(pk=record.pk).update(
                user=user, verification=VerificationState.VERIFIED
            )
            result.add("alumni accounts")
        members.append(user)
    alumnus = User.objects.filter(username=ALUMNUS_USERNAME).first()
    return ([alumnus] if alumnus is not None else []) + members
