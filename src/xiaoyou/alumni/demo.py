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
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactKind,
    ContactPoint,
    DegreeEntry,
    Department,
    Major,
    RecordSource,
)
from xiaoyou.alumni.services.search_keys import record_search_keys_fill
from xiaoyou.organizations.models import (
    ApprovalMode,
    ContentReviewMode,
    Organization,
    OrganizationKind,
    OrgRole,
    Role,
)
from xiaoyou.organizations.services import (
    organization_create,
    organization_sms_top_up,
    organization_update,
    role_grant,
)

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
    return result, _seed_accounts(result, org_by_key)


# --- Organization profiles: joining rules, join forms, places, SMS balances ----------------------

PROVINCE_OF_REGION = {
    "北京": "北京市", "上海": "上海市", "深圳": "广东省", "杭州": "浙江省", "成都": "四川省",
    "纽约": "海外",
}  # fmt: skip
DISTRICTS = {
    "北京": ["海淀区", "朝阳区", "东城区", "西城区", "其他"],
    "上海": ["浦东新区", "徐汇区", "静安区", "闵行区", "其他"],
    "深圳": ["南山区", "福田区", "宝安区", "龙岗区", "其他"],
    "杭州": ["西湖区", "滨江区", "余杭区", "上城区", "其他"],
    "成都": ["高新区", "武侯区", "锦江区", "天府新区", "其他"],
    "纽约": ["Manhattan", "Brooklyn", "Queens", "New Jersey", "其他"],
}
INDUSTRIES = [
    "互联网",
    "金融",
    "制造业",
    "医疗健康",
    "教育",
    "法律",
    "文化传媒",
    "政府机关",
    "其他",
]
SMS_BALANCES = {"main": 1000, "college": 200, "regional": 300, "industry": 100, "club": 50}


def _field(key: str, label: str, kind: str, **options: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "type": kind, "required": False, **options}


def _profile(key: str, org: Organization, departments: dict[str, Department]) -> dict[str, Any]:
    """The demo profile of one organization (what its admins would have filled in)."""
    if key == "root":
        return {
            "province": "北京市",
            "address": "北京市海淀区学院路 1 号 校友之家",
            "phone": "010-62750000",
            "approval_mode": ApprovalMode.MATCHED,
            "joining_requirements": "凡在本校学习、工作过的校友，均可申请加入校友总会。",
            "join_form": [
                _field("student_id", "学号", "text", help="记不清可留空，我们会人工核对"),
                _field("graduation_year", "毕业年份", "number", required=True),
                _field("employer", "工作单位", "text"),
                _field("industry", "所在行业", "choice", choices=INDUSTRIES),
            ],
        }
    if key in departments and departments[key].org_id == org.pk:
        majors = list(departments[key].majors.order_by("name").values_list("name", flat=True))
        return {
            "province": "北京市",
            "city": "北京",
            "department": departments[key],
            "approval_mode": ApprovalMode.MATCHED,
            "joining_requirements": f"{departments[key].name}的毕业生与教职工。",
            "join_form": [
                _field("enrollment_year", "入学年份", "number", required=True),
                _field("major", "所学专业", "choice", required=True, choices=[*majors, "其他"]),
                _field("employer", "工作单位", "text"),
            ],
        }
    if key in PROVINCE_OF_REGION:
        return {
            "province": PROVINCE_OF_REGION[key],
            "approval_mode": ApprovalMode.MANUAL,
            "joining_requirements": f"在{key}工作或生活的校友。",
            "join_form": [
                _field("employer", "工作单位", "text", required=True),
                _field("district", "常住区域", "choice", required=True, choices=DISTRICTS[key]),
                _field("volunteer", "愿意参与校友会志愿服务", "choice", choices=["愿意", "暂不"]),
            ],
        }
    if key == "finance":
        return {
            "province": "北京市",
            "city": "北京",
            "approval_mode": ApprovalMode.MANUAL,
            "joining_requirements": "在银行、证券、保险、基金等金融机构任职的校友。",
            "join_form": [
                _field("institution", "任职机构", "text", required=True),
                _field(
                    "fields",
                    "从业领域",
                    "multiple_choice",
                    required=True,
                    choices=["银行", "证券", "保险", "基金", "其他"],
                ),
            ],
        }
    if key == "badminton":
        return {
            "approval_mode": ApprovalMode.AUTOMATIC,
            "content_review_mode": ContentReviewMode.POST,
            "join_form": [
                _field("level", "羽毛球水平", "choice", choices=["入门", "业余", "专业"]),
            ],
        }
    if key == "startup":
        return {
            "approval_mode": ApprovalMode.MANUAL,
            "join_form": [
                _field("project", "创业项目", "text"),
                _field(
                    "stage",
                    "所处阶段",
                    "choice",
                    choices=["想法", "种子轮", "天使轮", "A 轮及以后"],
                ),
            ],
        }
    return {}


def _seed_profiles(
    result: SeedResult, org_by_key: dict[str, Organization], departments: dict[str, Department]
) -> None:
    """Fills the profile of each demo organization once: one with a join form already has one
    (its admins may have changed it since), so a rerun leaves it alone."""
    for key, org in org_by_key.items():
        org.refresh_from_db()
        profile = _profile(key, org, departments)
        if not profile or org.join_form:
            continue
        organization_update(actor=None, org=org, changes=profile)
        if org.sms_balance == 0:
            organization_sms_top_up(actor=None, org=org, count=SMS_BALANCES[org.kind])
        result.add("organization profiles")


# The industry of a demo employer, by words of its name (first match wins).
INDUSTRY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("金融", ("银行", "证券", "保险", "金融", "人寿")),
    ("医疗健康", ("医院", "医药", "疾病", "国药")),
    ("法律", ("律师", "法院", "知识产权")),
    ("专业服务", ("会计师",)),
    (
        "互联网",
        ("腾讯", "阿里巴巴", "字节", "百度", "网易", "美团", "京东集团", "小米", "计算技术"),
    ),
    (
        "电子通信",
        ("华为", "中兴", "移动", "电信", "电网", "中芯", "海康", "京东方", "电子科技", "联想"),
    ),
    ("制造业", ("汽车", "比亚迪", "重工", "中车", "徐工", "飞机", "博世", "宁德时代")),
    ("教育", ("新东方", "中学", "大学")),
    ("文化传媒", ("新华", "人民日报", "报业", "书局", "广播")),
    ("政府机关", ("外交部", "人民政府", "税务")),
    ("能源与建筑", ("石油", "建筑")),
    ("物流", ("顺丰",)),
)


def industry_of(employer: str) -> str:
    for industry, words in INDUSTRY_WORDS:
        if any(word in employer for word in words):
            return industry
    return ""


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
            industry=industry_of(spec.employer),
        )
        for spec in generate_records(count)
        if spec.student_id not in existing
    ]
    record_search_keys_fill(new_records)
    AlumniRecord.objects.bulk_create(new_records, batch_size=500)
    _seed_degrees_and_contacts([record for record in new_records if record.pk])
    result.add("alumni records", len(new_records))


def _seed_degrees_and_contacts(records: list[AlumniRecord]) -> None:
    """The primary degree entry and the current contact points of each new record, as the
    record services keep them (the record's own columns mirror them)."""
    DegreeEntry.objects.bulk_create(
        [
            DegreeEntry(
                record=record,
                level=record.degree_level,
                department=record.department,
                major=record.major,
                class_name=record.class_name,
                student_id=record.student_id,
                enrollment_year=record.enrollment_year,
                graduation_year=record.graduation_year,
                is_primary=True,
            )
            for record in records
        ],
        batch_size=1000,
    )
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(record=record, kind=kind, value=value, source=RecordSource.REGISTRAR)
            for record in records
            for kind, value in (
                (ContactKind.PHONE, record.phone),
                (ContactKind.EMAIL, record.email),
            )
            if value
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


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
