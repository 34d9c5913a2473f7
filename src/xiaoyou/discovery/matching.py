"""Matching a found person to the alumni records (姓名 + 年级 + 院系), scored 0..100.

Rules:
- the name must agree, exactly (after full-width/space normalization) for 50, or read the same
  in pinyin (traditional characters, variants: 張偉 / 张伟) for 35;
- a graduation year equal to the record's adds 25, one year apart (a five-year course, a year
  repeated) adds 10, further apart takes 30 off (a namesake of another class);
- an enrollment year: equal adds 20, one year apart 5, further apart takes 20 off;
- the department found in the text (计算机系) meeting the record's department, one of its
  former names or one of its majors adds 20; a department that meets neither takes 10 off;
- a record only matches at `MATCH` or above, and only when no other record is within
  `MARGIN` of it: two namesakes of one class are left to staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from xiaoyou.alumni.models import AlumniRecord, DepartmentAlias, Major
from xiaoyou.alumni.names import name_keys, normalize_name

MATCH = 70
MARGIN = 10
CANDIDATE_LIMIT = 50


@dataclass(frozen=True)
class PersonFacts:
    name: str
    enrollment_year: int | None = None
    graduation_year: int | None = None
    department: str = ""


@dataclass
class Scored:
    record: AlumniRecord
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    best: Scored | None
    ranked: list[Scored]

    @property
    def record(self) -> AlumniRecord | None:
        return self.best.record if self.best else None

    @property
    def score(self) -> int:
        return self.best.score if self.best else (self.ranked[0].score if self.ranked else 0)


def _department_names(records: Iterable[AlumniRecord]) -> dict[int, set[str]]:
    department_ids = {r.department_id for r in records if r.department_id}
    names: dict[int, set[str]] = {}
    for record in records:
        if record.department is not None:
            names.setdefault(record.department.pk, set()).add(
                normalize_name(record.department.name)
            )
    for department_id, alias in DepartmentAlias.objects.filter(
        department_id__in=department_ids
    ).values_list("department_id", "name"):
        names.setdefault(department_id, set()).add(normalize_name(alias))
    # A biography often names the major (汉语言文学专业) rather than the department.
    for department_id, major in Major.objects.filter(department_id__in=department_ids).values_list(
        "department_id", "name"
    ):
        names.setdefault(department_id, set()).add(normalize_name(major))
    return names


def _core(text: str) -> str:
    # "计算机系" / "计算机科学与技术学院" / "计算机专业" meet on their stem.
    text = normalize_name(text)
    for suffix in ("学院", "专业", "系"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _department_matches(found: str, names: set[str]) -> bool:
    wanted = normalize_name(found)
    if wanted in names:
        return True
    stem = _core(found)
    if len(stem) < 2:
        return False  # "文" of 文学院 alone would meet 中文系 and 文法学院
    return any(stem in name or (len(_core(name)) >= 2 and _core(name) in stem) for name in names)


def score_record(
    record: AlumniRecord, facts: PersonFacts, departments: dict[int, set[str]]
) -> Scored:
    reasons: list[str] = []
    wanted = normalize_name(facts.name)
    if normalize_name(record.name) == wanted:
        score, reasons = 50, ["name"]
    elif (record.name_pinyin or name_keys(record.name)[0]) == name_keys(wanted)[0]:
        score, reasons = 35, ["name_pinyin"]
    else:
        return Scored(record, 0, [])
    if facts.graduation_year and record.graduation_year:
        gap = abs(facts.graduation_year - record.graduation_year)
        if gap == 0:
            score += 25
            reasons.append("graduation_year")
        elif gap == 1:
            score += 10
            reasons.append("graduation_year_near")
        else:
            score -= 30
            reasons.append("graduation_year_differs")
    if facts.enrollment_year and record.enrollment_year:
        gap = abs(facts.enrollment_year - record.enrollment_year)
        if gap == 0:
            score += 20
            reasons.append("enrollment_year")
        elif gap == 1:
            score += 5
            reasons.append("enrollment_year_near")
        else:
            score -= 20
            reasons.append("enrollment_year_differs")
    if facts.department and record.department_id:
        if _department_matches(facts.department, departments.get(record.department_id, set())):
            score += 20
            reasons.append("department")
        else:
            score -= 10
            reasons.append("department_differs")
    return Scored(record, max(0, min(100, score)), reasons)


def candidate_records(facts: PersonFacts, records: QuerySet[AlumniRecord]) -> list[AlumniRecord]:
    wanted = normalize_name(facts.name)
    if not wanted:
        return []
    pinyin = name_keys(wanted)[0]
    query = Q(name=wanted)
    if pinyin:
        query |= Q(name_pinyin=pinyin)
    return list(
        records.filter(query, deleted_at__isnull=True)
        .select_related("department")
        .order_by("id")[:CANDIDATE_LIMIT]
    )


def match_person(facts: PersonFacts, records: QuerySet[AlumniRecord] | None = None) -> MatchResult:
    """The alumni record that is this person, if one stands out; with every scored record."""
    pool = candidate_records(facts, records if records is not None else AlumniRecord.objects.all())
    departments = _department_names(pool)
    ranked = [score_record(record, facts, departments) for record in pool]
    ranked = sorted(
        (item for item in ranked if item.score > 0), key=lambda item: (-item.score, item.record.pk)
    )
    best = None
    if (
        ranked
        and ranked[0].score >= MATCH
        and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - MARGIN)
    ):
        best = ranked[0]
    return MatchResult(best=best, ranked=ranked)
