"""The fields a spreadsheet column can fill, with the header words that suggest them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.importing.normalize import half_width

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class ImportField:
    key: str
    label: Any
    # Header words, compared after lower-casing and removing spaces and punctuation.
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField("name", _("Name"), ("姓名", "名字", "校友姓名", "学生姓名", "name", "fullname")),
    ImportField("former_name", _("Former name"), ("曾用名", "formername")),
    ImportField("english_name", _("English name"), ("英文名", "英文姓名", "englishname")),
    ImportField("gender", _("Gender"), ("性别", "gender", "sex")),
    ImportField(
        "birth_date",
        _("Date of birth"),
        ("出生日期", "出生年月", "生日", "birthdate", "birthday", "dob"),
    ),
    ImportField(
        "student_id",
        _("Student number"),
        ("学号", "学籍号", "studentid", "studentno", "studentnumber"),
    ),
    ImportField(
        "national_id",
        _("National ID number"),
        ("身份证号", "身份证号码", "身份证", "nationalid", "idnumber"),
    ),
    ImportField(
        "department",
        _("Department"),
        ("院系", "学院", "系", "所在院系", "院系名称", "department", "college", "school"),
    ),
    ImportField("major", _("Major"), ("专业", "所学专业", "专业名称", "major")),
    ImportField("class_name", _("Class"), ("班级", "班", "class", "classname")),
    ImportField(
        "degree_level",
        _("Degree level"),
        ("学历", "学位", "层次", "培养层次", "学历层次", "degree", "degreelevel"),
    ),
    ImportField(
        "enrollment_year",
        _("Year of enrollment"),
        (
            "入学年份",
            "入学年",
            "入学时间",
            "入学年级",
            "年级",
            "enrollmentyear",
            "enrolled",
            "entryyear",
        ),
    ),
    ImportField(
        "graduation_year",
        _("Year of graduation"),
        (
            "毕业年份",
            "毕业年",
            "毕业时间",
            "届别",
            "毕业届",
            "graduationyear",
            "graduated",
            "classof",
        ),
    ),
    ImportField(
        "phone",
        _("Mobile phone"),
        (
            "手机",
            "手机号",
            "手机号码",
            "移动电话",
            "联系电话",
            "电话",
            "mobile",
            "phone",
            "cellphone",
        ),
    ),
    ImportField("email", _("Email"), ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail")),
    ImportField("wechat", _("WeChat ID"), ("微信", "微信号", "wechat", "weixin")),
    ImportField("address", _("Address"), ("地址", "通讯地址", "联系地址", "家庭住址", "address")),
    ImportField(
        "employer",
        _("Employer"),
        (
            "工作单位",
            "单位",
            "现工作单位",
            "所在单位",
            "公司",
            "employer",
            "company",
            "organization",
        ),
    ),
    ImportField(
        "position", _("Position"), ("职务", "职位", "职称", "position", "title", "jobtitle")
    ),
    ImportField("industry", _("Industry"), ("行业", "所属行业", "industry")),
    ImportField("city", _("City"), ("城市", "所在城市", "现居城市", "工作城市", "city")),
    ImportField("province", _("Province"), ("省份", "省", "所在省份", "province")),
    ImportField("country", _("Country or region"), ("国家", "国家地区", "国家或地区", "country")),
)
FIELDS_BY_KEY = {field.key: field for field in FIELDS}

# Keys an import can match existing records by (学号, phone, email, ID number, name+birth date).
KEY_CHOICES: tuple[tuple[str, Any], ...] = (
    ("student_id", _("Student number")),
    ("phone", _("Mobile phone")),
    ("email", _("Email")),
    ("national_id", _("National ID number")),
    ("name_birth_date", _("Name and date of birth")),
)
KEY_FIELDS = {
    "student_id": ("student_id",),
    "phone": ("phone",),
    "email": ("email",),
    "national_id": ("national_id",),
    "name_birth_date": ("name", "birth_date"),
}

_NOISE = re.compile(r"[\s_\-—·:：()（）\[\]【】*＊/\\.、]+")


def header_key(label: Any) -> str:
    """A header reduced to its words: 'E-mail ' -> 'email', '手机号码（必填）' -> '手机号码必填'."""
    if label is None:
        return ""
    return _NOISE.sub("", half_width(str(label))).lower().replace("必填", "").replace("选填", "")


def _synonyms(custom_fields: Iterable[Any]) -> dict[str, str]:
    table: dict[str, str] = {}
    for field in FIELDS:
        for word in (*field.synonyms, str(field.key)):
            table.setdefault(header_key(word), field.key)
    for custom in custom_fields:
        for word in (custom.label, custom.key):
            table.setdefault(header_key(word), CUSTOM_PREFIX + custom.key)
    return table


def suggest_field(label: str, table: dict[str, str]) -> str:
    """The field a header names: exact synonym first, then the longest synonym it contains."""
    key = header_key(label)
    if not key:
        return ""
    if key in table:
        return table[key]
    best = ""
    best_len = 1  # one-character synonyms (系, 班) only count on an exact match
    for word, field in table.items():
        if len(word) > best_len and word in key:
            best, best_len = field, len(word)
    return best


def suggest_mapping(headers: Sequence[str], custom_fields: Iterable[Any] = ()) -> dict[str, str]:
    """{column index as text: field} for the headers, each field used once (first column wins)."""
    table = _synonyms(custom_fields)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, label in enumerate(headers):
        field = suggest_field(label, table)
        if field and field not in used:
            mapping[str(index)] = field
            used.add(field)
        else:
            mapping[str(index)] = ""
    return mapping


def field_choices(custom_fields: Iterable[Any] = ()) -> list[tuple[str, str]]:
    """(value, label) of every mapping target, custom fields last."""
    choices = [(field.key, str(field.label)) for field in FIELDS]
    choices += [(CUSTOM_PREFIX + custom.key, str(custom.label)) for custom in custom_fields]
    return choices


def score_headers(labels: Sequence[Any], table: dict[str, str]) -> int:
    """How many distinct fields a candidate header row names."""
    return len(
        {suggest_field(str(label), table) for label in labels if label not in (None, "")} - {""}
    )


def synonyms_table(custom_fields: Iterable[Any] = ()) -> dict[str, str]:
    return _synonyms(custom_fields)
