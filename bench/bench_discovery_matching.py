"""Matching precision and recall of found notable alumni against the archive (issue 12).

Builds a labeled set deterministically: a small archive (departments with their former names,
records with namesakes) and candidates as the crawlers produce them, each labeled with the
record that is truly the person or with "not in the archive":
- alumni found with their exact name, graduation year (sometimes a year off: a five-year course
  or the enrollment year taken for graduation), department as written in the text (former names,
  "系"/"专业" forms) or none;
- alumni whose name a source writes in traditional characters (張偉 for 张伟);
- namesakes: a record's name, another class and another department (not that alumnus);
- people not in the archive at all;
- ambiguous ones: two records of one name and one class, the text giving no department (the
  right answer is to leave it to staff; a link counts as wrong when it picks the other one).
Then links each candidate with xiaoyou.discovery.matching.match_person and prints one JSON
object: candidates, linked, correct, precision, recall.

    .venv/bin/python -m bench.bench_discovery_matching --smoke   # 120 candidates (CI)
    .venv/bin/python -m bench.bench_discovery_matching           # 1,200 candidates

SQLite in a temporary directory (never the configured database).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

SIZES = {"smoke": 1, "full": 10}
SURNAMES = "张王李赵陈刘杨黄吴周孙马许郑何吕苏卢蒋蔡"
GIVEN = "伟华国军东丽红强龙明杰涛辉鹏飞敏静芳磊洋勇超平刚桂英秀兰霞"
# Department, its former names, and how a biography may name the major instead.
DEPARTMENTS = (
    ("计算机学院", ("计算机系", "计算机科学系"), "计算机专业"),
    ("经济学院", ("经济系", "经济管理系"), "经济学专业"),
    ("文学院", ("中文系",), "汉语言文学专业"),
    ("物理学院", ("物理系",), "物理学专业"),
    ("音乐学院", ("音乐系",), "声乐专业"),
    ("法学院", ("法律系",), "法学专业"),
)


@dataclass
class LabeledCase:
    kind: str
    name: str
    enrollment_year: int | None
    graduation_year: int | None
    department: str
    truth: int | None  # the record's id, None: not in the archive


def _traditional(name: str) -> str:
    from xiaoyou.alumni.duplicates import TRADITIONAL_TO_SIMPLIFIED

    back = {simple: traditional for traditional, simple in TRADITIONAL_TO_SIMPLIFIED.items()}
    return "".join(chr(back.get(ord(ch), ord(ch))) for ch in name)


def build_labeled_set(org: Any, *, scale: int = 1, seed: int = 12) -> list[LabeledCase]:
    """Creates the archive for `org` and returns the labeled candidates (120 per `scale`)."""
    from xiaoyou.alumni.models import AlumniRecord, Department, DepartmentAlias, Major
    from xiaoyou.alumni.models.departments import DepartmentKind
    from xiaoyou.alumni.names import name_keys

    rng = random.Random(seed)
    departments = []
    majors = {}
    for index, (name, aliases, major) in enumerate(DEPARTMENTS):
        department, _created = Department.objects.get_or_create(
            code=f"BDM{index}", defaults={"name": name, "kind": DepartmentKind.COLLEGE}
        )
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(department=department, name=alias)
        departments.append((department, aliases))
        majors[department.pk] = major
        Major.objects.get_or_create(department=department, name=major)
    names = [s + g1 + g2 for s in SURNAMES for g1 in GIVEN for g2 in GIVEN if g1 != g2]
    rng.shuffle(names)
    pool = iter(names)
    cases: list[LabeledCase] = []

    def record(name: str, department: Any, enrolled: int) -> Any:
        pinyin, initials = name_keys(name)
        return AlumniRecord.objects.create(
            org=org,
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            department=department,
            enrollment_year=enrolled,
            graduation_year=enrolled + 4,
        )

    def department_text(department: Any, aliases: tuple[str, ...]) -> str:
        roll = rng.random()
        if roll < 0.25:
            return ""
        if roll < 0.5:
            return department.name
        if roll < 0.8:
            return rng.choice(aliases)
        return majors[department.pk]

    for _round in range(scale):
        # 60 alumni found under their own name.
        for _ in range(60):
            department, aliases = rng.choice(departments)
            enrolled = rng.randint(1965, 2015)
            person = record(next(pool), department, enrolled)
            graduated: int | None = enrolled + 4
            roll = rng.random()
            if roll < 0.15:
                graduated = enrolled + 5  # a five-year course, a repeated year
            elif roll < 0.3:
                graduated = None
            entered = enrolled if rng.random() < 0.4 else None
            if graduated is None and entered is None:
                entered = enrolled
            cases.append(
                LabeledCase(
                    "alumnus",
                    person.name,
                    entered,
                    graduated,
                    department_text(department, aliases),
                    person.pk,
                )
            )
        # 15 written in traditional characters by the source.
        for _ in range(15):
            department, aliases = rng.choice(departments)
            enrolled = rng.randint(1965, 2015)
            simple = next(pool)
            while _traditional(simple) == simple:
                simple = next(pool)
            person = record(simple, department, enrolled)
            cases.append(
                LabeledCase(
                    "traditional",
                    _traditional(simple),
                    None,
                    enrolled + 4,
                    rng.choice((department.name, aliases[0])),
                    person.pk,
                )
            )
        # 20 namesakes: another class (3+ years apart) and another department.
        for _ in range(20):
            (department, _aliases), (other, other_aliases) = rng.sample(departments, 2)
            enrolled = rng.randint(1965, 2010)
            person = record(next(pool), department, enrolled)
            gap = rng.choice((-1, 1)) * rng.randint(3, 12)
            cases.append(
                LabeledCase(
                    "namesake",
                    person.name,
                    None,
                    enrolled + 4 + gap,
                    rng.choice((other.name, other_aliases[0], "")),
                    None,
                )
            )
        # 15 not in the archive at all.
        for _ in range(15):
            cases.append(
                LabeledCase(
                    "outsider",
                    next(pool),
                    None,
                    rng.randint(1970, 2019),
                    rng.choice(departments)[0].name,
                    None,
                )
            )
        # 10 ambiguous: two records of one name and class; the text names no department.
        for _ in range(10):
            (department, _a), (other, _b) = rng.sample(departments, 2)
            enrolled = rng.randint(1965, 2015)
            name = next(pool)
            first = record(name, department, enrolled)
            record(name, other, enrolled)
            cases.append(LabeledCase("ambiguous", name, None, enrolled + 4, "", first.pk))
    return cases


def evaluate(cases: list[LabeledCase]) -> dict[str, Any]:
    from xiaoyou.discovery.matching import PersonFacts, match_person

    linked = correct = 0
    by_kind: dict[str, dict[str, int]] = {}
    for case in cases:
        result = match_person(
            PersonFacts(
                name=case.name,
                enrollment_year=case.enrollment_year,
                graduation_year=case.graduation_year,
                department=case.department,
            )
        )
        figures = by_kind.setdefault(case.kind, {"cases": 0, "linked": 0, "correct": 0})
        figures["cases"] += 1
        if (
            os.environ.get("BENCH_VERBOSE")
            and (result.record.pk if result.record else None) != case.truth
        ):
            print(case, [(s.record.pk, s.score, s.reasons) for s in result.ranked], file=sys.stderr)
        if result.record is not None:
            linked += 1
            figures["linked"] += 1
            if result.record.pk == case.truth:
                correct += 1
                figures["correct"] += 1
    relevant = sum(1 for case in cases if case.truth is not None)
    return {
        "candidates": len(cases),
        "with_a_record": relevant,
        "linked": linked,
        "correct": correct,
        "precision": round(correct / linked, 4) if linked else 0.0,
        "recall": round(correct / relevant, 4) if relevant else 0.0,
        "by_kind": by_kind,
    }


def _setup(db_dir: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["XIAOYOU_VAR_DIR"] = db_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="120 candidates (CI size)")
    options = parser.parse_args(argv)
    size = "smoke" if options.smoke else "full"
    with tempfile.TemporaryDirectory(prefix="bench-discovery-") as db_dir:
        _setup(db_dir)
        from xiaoyou.organizations.models import OrganizationKind
        from xiaoyou.organizations.services import organization_create

        org = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
        cases = build_labeled_set(org, scale=SIZES[size])
        started = time.perf_counter()
        figures = evaluate(cases)
        figures["size"] = size
        figures["seconds"] = round(time.perf_counter() - started, 3)
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
