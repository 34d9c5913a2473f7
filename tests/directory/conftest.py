from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache; user ids repeat between tests.
    cache.clear()
    yield
    cache.clear()


class People:
    """Verified alumni around 张伟 (class 计科1班 of 2014, computing, enrolled 2010)."""

    def __init__(self) -> None:
        from tests.directory.factories import make_alumnus
        from tests.factories import DepartmentFactory, MajorFactory, UserFactory

        computing = DepartmentFactory(name="计算机学院")
        economics = DepartmentFactory(name="经济学院")
        software = MajorFactory(name="软件工程", department=computing)
        finance = MajorFactory(name="金融学", department=economics)
        common = {"department": computing, "major": software, "enrollment_year": 2010}
        self.zhang, self.zhang_record = make_alumnus(
            name="张伟",
            class_name="计科1班",
            graduation_year=2014,
            phone="13800000001",
            email="zhang@example.com",
            city="上海",
            employer="腾讯",
            industry="互联网",
            **common,
        )
        # Same class and year of graduation.
        self.li, self.li_record = make_alumnus(
            name="李娜",
            class_name="计科1班",
            graduation_year=2014,
            phone="13800000002",
            city="上海",
            employer="阿里巴巴",
            **common,
        )
        # Same department and year of enrollment, another class.
        self.wang, self.wang_record = make_alumnus(
            name="王芳", class_name="计科2班", graduation_year=2014, phone="13800000003", **common
        )
        # Another school, other years: no classmate.
        self.zhao, self.zhao_record = make_alumnus(
            name="赵敏",
            department=economics,
            major=finance,
            class_name="金融1班",
            enrollment_year=2012,
            graduation_year=2016,
            phone="13800000004",
            city="上海",
            employer="招商银行",
        )
        self.newcomer = UserFactory(display_name="新用户")
        from xiaoyou.alumni.models import AlumniRecord
        from xiaoyou.alumni.services.search_keys import record_search_keys_fill

        records = [self.zhang_record, self.li_record, self.wang_record, self.zhao_record]
        AlumniRecord.objects.bulk_update(
            record_search_keys_fill(records), ["name_pinyin", "name_initials"]
        )


@pytest.fixture
def people(db) -> People:
    return People()
