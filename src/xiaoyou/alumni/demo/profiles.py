"""The demo organizations' profiles: joining rules, join forms, places, SMS allocations."""

from __future__ import annotations

from typing import Any

from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.models import Department
from xiaoyou.messaging.services.quota import allocation_for, allocation_set, local_today
from xiaoyou.organizations.models import ApprovalMode, ContentReviewMode, Organization
from xiaoyou.organizations.services import organization_update

# --- Organization profiles: joining rules, join forms, places, SMS allocations -------------------

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
# Segments of this year's school SMS quota each kind of demo organization is allocated.
SMS_ALLOCATIONS = {"main": 1000, "college": 200, "regional": 300, "industry": 100, "club": 50}


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
        if allocation_for(org=org) is None:
            allocation_set(
                actor=None,
                org=org,
                year=local_today().year,
                allocated=SMS_ALLOCATIONS[org.kind],
            )
        result.add("organization profiles")
