"""Matching found people to alumni records: the rules, and precision/recall on a labeled set."""

from __future__ import annotations

import pytest

from bench.bench_discovery_matching import build_labeled_set, evaluate
from tests.factories import AlumniRecordFactory, DepartmentFactory
from xiaoyou.alumni.models import DepartmentAlias
from xiaoyou.discovery.matching import PersonFacts, match_person

pytestmark = pytest.mark.django_db


def test_name_year_and_former_department_name_link_the_record(org_tree):
    department = DepartmentFactory(name="计算机学院")
    DepartmentAlias.objects.create(department=department, name="计算机系")
    record = AlumniRecordFactory(
        org=org_tree.root,
        name="张伟",
        name_pinyin="zhangwei",  # as the alumni services write it (search keys)
        department=department,
        enrollment_year=1981,
        graduation_year=1985,
    )
    result = match_person(PersonFacts("張偉", 1981, 1985, "计算机系"))
    assert result.record == record
    assert result.best is not None
    assert result.best.reasons == [
        "name_pinyin",
        "graduation_year",
        "enrollment_year",
        "department",
    ]
    assert result.score == 35 + 25 + 20 + 20


def test_a_namesake_of_another_class_is_not_linked(org_tree):
    AlumniRecordFactory(org=org_tree.root, name="王芳", enrollment_year=2001, graduation_year=2005)
    result = match_person(PersonFacts("王芳", None, 1994, ""))
    assert result.record is None
    assert result.ranked[0].score == 20
    assert result.ranked[0].reasons == ["name", "graduation_year_differs"]


def test_two_equal_records_are_left_to_staff(org_tree):
    first = AlumniRecordFactory(
        org=org_tree.root, name="李强", graduation_year=1990, enrollment_year=1986
    )
    second = AlumniRecordFactory(
        org=org_tree.root, name="李强", graduation_year=1990, enrollment_year=1986
    )
    result = match_person(PersonFacts("李强", None, 1990, ""))
    assert result.record is None
    assert [item.record for item in result.ranked] == [first, second]


def test_precision_and_recall_on_the_labeled_set(org_tree):
    cases = build_labeled_set(org_tree.root)
    assert len(cases) >= 100
    figures = evaluate(cases)
    print(figures)
    # Linking a notable person to the wrong alumnus is the costly error: precision first.
    assert figures["precision"] >= 0.97
    assert figures["recall"] >= 0.8
    assert figures["by_kind"]["namesake"]["linked"] == 0
    assert figures["by_kind"]["outsider"]["linked"] == 0
