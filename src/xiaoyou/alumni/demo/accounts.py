"""The demo accounts (admins and an alumnus) and the credentials file that holds their passwords.

Passwords are random on first creation and kept only in var/demo-credentials.json (mode 600),
never in the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.organizations.models import Organization, OrgRole, Role
from xiaoyou.organizations.services import role_grant

CREDENTIALS_FILE_NAME = "demo-credentials.json"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    username: str
    display_name: str
    phone: str
    email: str
    org_key: str  # "root", a department code, or a region name
    role: str
    is_staff: bool = True
    is_superuser: bool = False


ACCOUNTS = (
    DemoAccount("platform_admin", "demo-admin", "平台管理员", "+8613800138000", "admin@demo.example.com",
                "root", Role.ADMIN, is_superuser=True),
    DemoAccount("cs_admin", "demo-cs-admin", "计算机学院管理员", "+8613800138001",
                "cs-admin@demo.example.com", "CS", Role.ADMIN),
    DemoAccount("em_admin", "demo-em-admin", "经管学院管理员", "+8613800138002",
                "em-admin@demo.example.com", "EM", Role.ADMIN),
    DemoAccount("beijing_admin", "demo-beijing-admin", "北京校友会管理员", "+8613800138003",
                "beijing-admin@demo.example.com", "北京", Role.ADMIN),
    DemoAccount("shanghai_admin", "demo-shanghai-admin", "上海校友会管理员", "+8613800138004",
                "shanghai-admin@demo.example.com", "上海", Role.ADMIN),
    DemoAccount("alumnus", "demo-alumnus", "", "+8613800138010", "alumnus@demo.example.com",
                "root", Role.MEMBER, is_staff=False),
)  # fmt: skip


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / CREDENTIALS_FILE_NAME


def read_credentials() -> dict[str, Any]:
    path = credentials_path()
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _write_credentials(data: dict[str, Any]) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # Created with mode 600 from the start: the passwords are never readable by others.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _seed_accounts(
    result: SeedResult, org_by_key: dict[str, Organization]
) -> dict[str, Any] | None:
    """Creates the demo accounts; returns the new credentials file content when it changed."""
    from allauth.account.models import EmailAddress

    stored = read_credentials()
    accounts: dict[str, Any] = dict(stored.get("accounts", {}))
    changed = False
    for account in ACCOUNTS:
        org = org_by_key[account.org_key]
        user = User.objects.filter(username=account.username).first()
        entry = accounts.get(account.key)
        if user is None:
            user = User(
                username=account.username,
                display_name=account.display_name,
                phone=account.phone,
                phone_verified=True,
                email=account.email,
                is_staff=account.is_staff,
                is_superuser=account.is_superuser,
            )
            result.add("accounts")
        if user.pk is None or entry is None:
            # A password is made only for a new account or one whose password was never stored.
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            entry = {
                "username": account.username,
                "phone": account.phone,
                "email": account.email,
                "password": password,
                "organization": org.name,
                "role": account.role,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
            }
            accounts[account.key] = entry
            changed = True
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if not OrgRole.objects.filter(user=user, org=org, role=account.role).exists():
            role_grant(actor=None, user=user, org=org, role=account.role)
            result.add("roles")
        if account.key == "alumnus":
            _link_alumnus(user, org_by_key)
    if not changed:
        return None
    return {
        "school": result.school,
        "updated_at": timezone.now().isoformat(),
        "site_url": settings.SITE_URL,
        "accounts": accounts,
    }


def _link_alumnus(user: User, org_by_key: dict[str, Organization]) -> None:
    """The demo alumnus is the first computing graduate: a verified member with a record."""
    if AlumniRecord.objects.filter(user=user).exists():
        return
    record = (
        AlumniRecord.objects.filter(
            org=org_by_key["root"], department__code="CS", user__isnull=True
        )
        .order_by("student_id")
        .first()
    )
    if record is None:
        return
    AlumniRecord.objects.filter(pk=record.pk).update(user=user)
    user.display_name = record.name
    user.save(update_fields=["display_name"])
    if not OrgRole.objects.filter(user=user, org=org_by_key["CS"], role=Role.MEMBER).exists():
        role_grant(actor=None, user=user, org=org_by_key["CS"], role=Role.MEMBER)
