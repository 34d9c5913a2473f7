"""The demo school: organizations, departments, ~2,000 alumni records and demo accounts.

Idempotent: every object is found by a natural key (organization name under its parent,
department code, student number, username) before it is created, so running it twice leaves the
same rows. Passwords are random on first creation and kept only in var/demo-credentials.json
(mode 600), never in the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo_data import DEPARTMENTS, generate_records
from xiaoyou.alumni.models import AlumniRecord, Department, Major
from xiaoyou.organizations.models import Organization, OrganizationKind, OrgRole, Role
from xiaoyou.organizations.services import organization_create, role_grant

DEFAULT_SCHOOL = "示范大学"
DEFAULT_RECORD_COUNT = 2000
REGIONS = (
    ("北京", "北京"),
    ("上海", "上海"),
    ("深圳", "深圳"),
    ("杭州", "杭州"),
    ("成都", "成都"),
    ("纽约", "纽约"),
)
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


@dataclass
class SeedResult:
    school: str
    root: Organization
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        if count:
            self.created[kind] = self.created.get(kind, 0) + count


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


def root_name(school: str) -> str:
    return f"{school}校友总会"


def demo_root(school: str = DEFAULT_SCHOOL) -> Organization | None:
    return Organization.objects.filter(
        parent__isnull=True, name=root_name(school), kind=OrganizationKind.MAIN
    ).first()


def _child(
    result: SeedResult, parent: Organization, name: str, kind: str, **fields: Any
) -> Organization:
    existing = Organization.objects.filter(parent=parent, name=name).first()
    if existing is not None:
        return existing
    result.add("organizations")
    return organization_create(actor=None, name=name, kind=kind, parent=parent, **fields)


def seed_demo(
    *, school: str = DEFAULT_SCHOOL, record_count: int = DEFAULT_RECORD_COUNT
) -> SeedResult:
    """Creates whatever part of the demo school is missing and returns what it created.

    The credentials file is written only after the transaction commits, so it never names an
    account that a rolled-back run did not create.
    """
    with transaction.atomic():
        result, credentials = _seed(school, record_count)
    if credentials is not None:
        _write_credentials(credentials)
    return result


def _seed(school: str, record_count: int) -> tuple[SeedResult, dict[str, Any] | None]:
    root = demo_root(school)
    created_root = root is None
    if root is None:
        root = organization_create(
            actor=None,
            name=root_name(school),
            kind=OrganizationKind.MAIN,
            short_name="校友总会",
            school_name=school,
            city="北京",
            introduction=f"{school}校友总会是{school}校友自愿组成的联合性、非营利性社会组织。",
        )
    result = SeedResult(school=school, root=root)
    if created_root:
        result.add("organizations")

    org_by_key: dict[str, Organization] = {"root": root}
    departments: dict[str, Department] = {}
    for spec in DEPARTMENTS:
        college = None
        if spec.has_association:
            college = _child(
                result,
                root,
                f"{spec.name}校友会",
                OrganizationKind.COLLEGE,
                short_name=f"{spec.short_name}校友会",
                school_name=school,
            )
            org_by_key[spec.code] = college
        department, created = Department.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "org": college}
        )
        if created:
            result.add("departments")
        departments[spec.code] = department
        for major_name, _short in spec.majors:
            _major, created = Major.objects.get_or_create(department=department, name=major_name)
            if created:
                result.add("majors")
    for region, city in REGIONS:
        org_by_key[region] = _child(
            result,
            root,
            f"{school}{region}校友会",
            OrganizationKind.REGIONAL,
            short_name=f"{region}校友会",
            city=city,
            school_name=school,
        )
    _child(result, root, "校友羽毛球俱乐部", OrganizationKind.CLUB, school_name=school)
    _child(
        result, org_by_key["CS"], "校友创新创业俱乐部", OrganizationKind.CLUB, school_name=school
    )

    _seed_records(result, root, departments, record_count)
    return result, _seed_accounts(result, org_by_key)


def _seed_records(
    result: SeedResult, root: Organization, departments: dict[str, Department], count: int
) -> None:
    majors = {
        (major.department.code, major.name): major
        for major in Major.objects.select_related("department")
    }
    existing = set(
        AlumniRecord.objects.filter(org=root)
        .exclude(student_id="")
        .values_list("student_id", flat=True)
    )
    new_records = [
        AlumniRecord(
            org=root,
            name=spec.name,
            gender=spec.gender,
            birth_date=spec.birth_date,
            student_id=spec.student_id,
            department=departments[spec.department_code],
            major=majors[(spec.department_code, spec.major_name)],
            class_name=spec.class_name,
            degree_level=spec.degree_level,
            enrollment_year=spec.enrollment_year,
            graduation_year=spec.graduation_year,
            phone=spec.phone,
            email=spec.email,
            city=spec.city,
            employer=spec.employer,
        )
        for spec in generate_records(count)
        if spec.student_id not in existing
    ]
    AlumniRecord.objects.bulk_create(new_records, batch_size=500)
    result.add("alumni records", len(new_records))


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
