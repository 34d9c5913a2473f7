"""Seeding the demo school: its organizations, departments and majors, then the rest in order.

Idempotent: every object is found by a natural key (organization name under its parent,
department code, student number, username) before it is created, so running it twice leaves the
same rows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.accounts.models import User
from xiaoyou.alumni.demo.accounts import ACCOUNTS, _seed_accounts, _write_credentials
from xiaoyou.alumni.demo.members import _seed_members
from xiaoyou.alumni.demo.profiles import _seed_profiles
from xiaoyou.alumni.demo.records import _seed_records
from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.demo_data import DEPARTMENTS
from xiaoyou.alumni.models import Department, Major
from xiaoyou.core.registry import demo_seeders
from xiaoyou.organizations.models import Organization, OrganizationKind
from xiaoyou.organizations.services import organization_create

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
    org_by_key["badminton"] = _child(
        result, root, "校友羽毛球俱乐部", OrganizationKind.CLUB, school_name=school
    )
    org_by_key["startup"] = _child(
        result, org_by_key["CS"], "校友创新创业俱乐部", OrganizationKind.CLUB, school_name=school
    )
    org_by_key["finance"] = _child(
        result,
        root,
        f"{school}金融行业校友会",
        OrganizationKind.INDUSTRY,
        short_name="金融行业校友会",
        industry="金融",
        school_name=school,
    )
    _seed_profiles(result, org_by_key, departments)

    _seed_records(result, root, departments, record_count)
    credentials = _seed_accounts(result, org_by_key)
    alumni = _seed_members(result, root)
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    accounts = {account.key: users[account.username] for account in ACCOUNTS}
    # The modules' demo content (events, donations, polls, articles...), each registered by
    # its app: alumni knows none of them.
    for seed in demo_seeders():
        seed(result, root=root, org_by_key=org_by_key, accounts=accounts, alumni=alumni)
    return result, credentials


def _usernames() -> list[str]:
    return [account.username for account in ACCOUNTS]
