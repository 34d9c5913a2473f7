"""Reading Chinese biographical text: sentences about the school, years, departments, fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xiaoyou.discovery.models import Field

_SENTENCE_END = re.compile(r"(?<=[。！？；;])|\n")
# 1985.09-1989.07 / 1985年9月—1989年7月 / 1985-1989
_RANGE = re.compile(
    r"(?P<start>(?:19|20)\d{2})\s*(?:[.．/年-]\s*\d{1,2}\s*月?|年)?\s*[-—–~～至到]+\s*"
    r"(?P<end>(?:19|20)\d{2})\s*(?:[.．/年-]\s*\d{1,2}\s*月?)?"
)
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
_DEPARTMENT = re.compile(r"(?P<dept>[\u4e00-\u9fff]{2,12}?(?:学院|系|专业))")

FIELD_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        Field.GOVERNMENT,
        ("书记", "省长", "市长", "县长", "部长", "厅长", "局长", "主席", "人大", "政协", "政府"),
    ),
    (Field.BUSINESS, ("董事长", "总裁", "总经理", "创始人", "企业家", "首席执行官", "CEO")),
    (Field.ACADEMIA, ("院士", "教授", "研究员", "科学家", "学者", "校长", "博士生导师")),
    (Field.ARTS, ("演员", "导演", "作家", "歌手", "画家", "艺术家", "音乐家", "诗人", "主持人")),
)
# Words that say the person studied there (as against giving a talk or an honorary title).
STUDY_WORDS = ("毕业", "学习", "就读", "考入", "获", "学位", "本科", "硕士", "博士", "校友", "求学")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def school_sentence(text: str, school_names: tuple[str, ...]) -> str:
    """The first sentence naming the school with a word of study, else the first naming it."""
    fallback = ""
    for sentence in sentences(text):
        if any(name and name in sentence for name in school_names):
            if any(word in sentence for word in STUDY_WORDS):
                return squash(sentence)
            fallback = fallback or squash(sentence)
    return fallback


@dataclass(frozen=True)
class Study:
    enrollment_year: int | None
    graduation_year: int | None
    department: str


def study_details(sentence: str, school_name: str) -> Study:
    """Years and department of the study described in `sentence` (about `school_name`)."""
    enrollment = graduation = None
    match = _RANGE.search(sentence)
    if match:
        enrollment, graduation = int(match["start"]), int(match["end"])
    else:
        found_years = [(found.start(), int(found["year"])) for found in _YEAR.finditer(sentence)]
        years = [year for _at, year in found_years]
        graduated_at = sentence.find("毕业")
        if years and graduated_at >= 0 and "考入" not in sentence and "入学" not in sentence:
            # "1990年毕业于……，1998年创办……": the year said before 毕业 is the graduation.
            before = [year for at, year in found_years if at < graduated_at]
            graduation = before[-1] if before else years[0]
        elif years:
            enrollment = years[0]
            graduation = years[1] if len(years) > 1 else None
    department = ""
    tail = sentence.split(school_name, 1)[1] if school_name and school_name in sentence else ""
    found = _DEPARTMENT.search(tail)
    if found:
        department = found["dept"]
    return Study(enrollment, graduation, department)


def classify_field(*texts: str) -> str:
    joined = " ".join(text for text in texts if text)
    for field, words in FIELD_KEYWORDS:
        if any(word in joined for word in words):
            return str(field)
    return str(Field.OTHER)
