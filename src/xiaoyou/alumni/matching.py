"""成员匹配: scores what a person says about themself (the claim's evidence) against records.

Rules (scores 0..100):
- student number + the record's exact name: 95 (a name read the same in pinyin, e.g. the
  traditional 張偉 for 张伟: 80); a student number with another name proves nothing alone (30);
- name + enrollment year + department: 85; + the same birth date: 95; a different birth date
  takes 40 off (two people of the same common name in one class differ there), a different
  enrollment year 20;
- the name compared exactly (after full-width/space normalization) and through its pinyin
  (xiaoyou.alumni.names.name_keys), so variants and traditional characters still meet.
`AUTOMATIC` and above with no rival at `REVIEW` or above is certain enough to link without a
person looking; `REVIEW` and above goes to the review queue; below is "not found".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from xiaoyou.alumni.models import AlumniRecord, DegreeEntry, DepartmentAlias
from xiaoyou.alumni.names import name_keys, normalize_name

AUTOMATIC = 85
REVIEW = 50
# Enough candidates for a reviewer; a name shared by more people than this needs more evidence.
CANDIDATE_LIMIT = 20


@dataclass(frozen=True)
class Evidence:
    name: str
    student_id: str = ""
    enrollment_year: int | None = None
    department: str = ""
    birth_date: datetime.date | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        year = data.get("enrollment_year")
        birth = data.get("birth_date")
        if isinstance(birth, str) and birth:
            birth = datetime.date.fromisoformat(birth)
        return cls(
            name=normalize_name(str(data.get("name") or "")),
            student_id=str(data.get("student_id") or "").strip(),
            enrollment_year=int(year) if year not in (None, "") else None,
            department=str(data.get("department") or "").strip(),
            birth_date=birth or None,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "student_id": self.student_id,
            "enrollment_year": self.enrollment_year,
            "department": self.department,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }


@dataclass
class Candidate:
    record: AlumniRecord
    score: int
    reasons: list[str] = field(default_factory=list)


def _department_matches(record: AlumniRecord, text: str) -> bool:
    if not text or record.department is None:
        return False
    wanted = normalize_name(text)
    names = {normalize_name(record.department.name)}
    names.update(
        normalize_name(alias)
        for alias in DepartmentAlias.objects.filter(department=record.department).values_list(
            "name", flat=True
        )
    )
    # "计算机" finds "计算机学院": staff and alumni rarely type a department's full name.
    return any(wanted == name or (len(wanted) >= 2 and wanted in name) for name in names)


def _name_score(record: AlumniRecord, evidence: Evidence, pinyin: str) -> tuple[int, str]:
    if normalize_name(record.name) == evidence.name:
        return 2, "name"
    if pinyin and (record.name_pinyin or name_keys(record.name)[0]) == pinyin:
        return 1, "name_pinyin"
    return 0, ""


def _score(record: AlumniRecord, evidence: Evidence, pinyin: str) -> Candidate:
    name_level, name_reason = _name_score(record, evidence, pinyin)
    reasons = [name_reason] if name_reason else []
    student_ids = {record.student_id} | {
        degree.student_id for degree in record.degrees.all() if degree.student_id
    }
    if evidence.student_id and evidence.student_id in student_ids:
        reasons.append("student_id")
        score = {2: 95, 1: 80, 0: 30}[name_level]
    elif name_level:
        score = 45 if name_level == 2 else 35
        years = {record.enrollment_year} | {d.enrollment_year for d in record.degrees.all()}
        if evidence.enrollment_year and evidence.enrollment_year in years:
            score += 20
            reasons.append("enrollment_year")
        elif evidence.enrollment_year and years - {None}:
            score -= 20  # another class: most likely a namesake
            reasons.append("enrollment_year_differs")
        if _department_matches(record, evidence.department):
            score += 20
            reasons.append("department")
    else:
        score = 0
    if evidence.birth_date and record.birth_date:
        if evidence.birth_date == record.birth_date:
            score += 10
            reasons.append("birth_date")
        else:
            score -= 40
            reasons.append("birth_date_differs")
    return Candidate(record=record, score=max(0, min(100, score)), reasons=reasons)


def match_candidates(evidence: Evidence) -> list[Candidate]:
    """Live records that may be the person described, best first (scores above 0 only)."""
    if not evidence.name:
        return []
    pinyin = name_keys(evidence.name)[0]
    query = Q(name=evidence.name)
    if pinyin:
        query |= Q(name_pinyin=pinyin)
    if evidence.student_id:
        query |= Q(student_id=evidence.student_id)
        query |= Q(
            pk__in=DegreeEntry.objects.filter(student_id=evidence.student_id).values("record_id")
        )
    records = (
        AlumniRecord.objects.filter(query, deleted_at__isnull=True)
        .select_related("department")
        .prefetch_related("degrees")
        .order_by("id")[: CANDIDATE_LIMIT * 5]
    )
    candidates = [_score(record, evidence, pinyin) for record in records]
    candidates = [candidate for candidate in candidates if candidate.score > 0]
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.record.pk))
    return candidates[:CANDIDATE_LIMIT]


def certain_match(candidates: list[Candidate]) -> Candidate | None:
    """The one candidate certain enough to link without review, or None."""
    if not candidates or candidates[0].score < AUTOMATIC:
        return None
    if len(candidates) > 1 and candidates[1].score >= REVIEW:
        return None
    return candidates[0]
