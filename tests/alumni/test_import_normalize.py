from __future__ import annotations

import datetime as dt

import pytest

from xiaoyou.alumni.importing import normalize as norm
from xiaoyou.alumni.importing.fields import suggest_mapping
from xiaoyou.alumni.importing.headers import detect_header

JULY_1998 = dt.date(1998, 7, 1)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(1998, 7, 1),
        "1998.7",
        1998.07,
        "1998年7月",
        "1998年7月1日",
        "1998-07-01",
        "1998/7/1",
        "19980701",
        19980701,
        35977,
        "35977",
        "１９９８－０７－０１",
    ],
)
def test_dates_in_many_formats(value):
    assert norm.parse_date(value) == JULY_1998


@pytest.mark.parametrize("value", ["1998-13-01", "yesterday", "1850-01-01", 99999])
def test_bad_dates(value):
    with pytest.raises(ValueError):
        norm.parse_date(value)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("(+86)13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        (13800138000.0, "13800138000"),
        ("+1 415 555 0100", "+14155550100"),
        ("", ""),
    ],
)
def test_phones(value, expected):
    assert norm.parse_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "010-12345678", "=1+2"])
def test_bad_phones(value):
    with pytest.raises(ValueError):
        norm.parse_phone(value)


def test_gender_degree_year_text():
    assert [norm.parse_gender(v) for v in ("男", "女", "M", "f", " 女 ", "")] == [
        "male",
        "female",
        "male",
        "female",
        "female",
        "",
    ]
    with pytest.raises(ValueError):
        norm.parse_gender("未知")
    assert [norm.parse_degree(v) for v in ("本科", "硕士", "博士", "PhD", "研究生")] == [
        "bachelor",
        "master",
        "doctor",
        "doctor",
        "master",
    ]
    with pytest.raises(ValueError):
        norm.parse_degree("幼儿园")
    assert [
        norm.parse_year(v)
        for v in (2016, "2016级", "2016届", 2016.0, "2016年", dt.date(2016, 9, 1))
    ] == [2016] * 6
    assert norm.text("  张　三  ＡＢＣ ") == "张 三 ABC"
    assert norm.compact(" ２０１６ ００３ ") == "2016003"
    assert norm.parse_email(" ZSF@Example.COM ") == "zsf@example.com"
    with pytest.raises(ValueError):
        norm.parse_email("not-an-email")


def test_suggested_mapping_chinese_english_and_custom():
    class Custom:
        key = "hobby"
        label = "爱好"

    headers = [
        "姓名",
        "Student ID",
        "手机号码（必填）",
        "E-mail",
        "工作单位",
        "爱好",
        "备注",
        "联系方式/邮箱",
    ]
    assert suggest_mapping(headers, [Custom()]) == {
        "0": "name",
        "1": "student_id",
        "2": "phone",
        "3": "email",
        "4": "employer",
        "5": "custom:hobby",
        "6": "",
        "7": "",  # email already taken by column 3
    }


def test_header_found_below_title_rows_and_merged():
    rows = [
        ["XX大学校友名单", None, None, None],
        [None, None, None, None],
        ["姓名", "学号", "联系方式", None],
        [None, None, "手机", "邮箱"],
        ["张三", "1", "13800138000", "a@b.cn"],
    ]
    header = detect_header(rows)
    assert header.labels == ["姓名", "学号", "联系方式/手机", "联系方式/邮箱"]
    assert header.header_rows == (2, 3)
    assert header.data_start == 4
    single = detect_header([["名单"], ["name", "phone", "email"], ["a", "b", "c"]])
    assert single.labels == ["name", "phone", "email"]
    assert single.data_start == 2
