"""The demo alumni records, with their degree entries and contact points."""

from __future__ import annotations

from xiaoyou.alumni.demo.result import SeedResult
from xiaoyou.alumni.demo_data import generate_records
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
from xiaoyou.organizations.models import Organization

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
