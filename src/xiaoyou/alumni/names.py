"""Chinese names as people type them: full pinyin ("zhangsanfeng") and initials ("zsf").

Surnames are read with the surname reading, which often differs from the common one
(曾 zeng not ceng, 单 shan not dan, 仇 qiu not chou); compound surnames (欧阳, 司马...) are
recognized first. Names written in Latin letters are lower-cased without spaces.
"""

from __future__ import annotations

import functools
import unicodedata

from pypinyin import lazy_pinyin

# Compound surnames (复姓) with their readings.
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "夏侯": ("xia", "hou"),
    "令狐": ("ling", "hu"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "端木": ("duan", "mu"),
    "轩辕": ("xuan", "yuan"),
    "呼延": ("hu", "yan"),
    "南宫": ("nan", "gong"),
    "西门": ("xi", "men"),
    "独孤": ("du", "gu"),
    "百里": ("bai", "li"),
    "东郭": ("dong", "guo"),
    "闻人": ("wen", "ren"),
    "申屠": ("shen", "tu"),
    "公羊": ("gong", "yang"),
    "太史": ("tai", "shi"),
    "钟离": ("zhong", "li"),
    "司空": ("si", "kong"),
    "单于": ("chan", "yu"),
    "赫连": ("he", "lian"),
    "拓跋": ("tuo", "ba"),
}

# Single surnames whose surname reading differs from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "覃": "qin",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "召": "shao",
    "缪": "miao",
    "秘": "bi",
    "繁": "po",
    "员": "yun",
    "朝": "chao",
    "翟": "zhai",
    "种": "chong",
    "尉": "wei",
    "折": "she",
    "隗": "wei",
    "能": "nai",
    "句": "gou",
    "宓": "fu",
    "过": "guo",
    "纪": "ji",
    "蕃": "pi",
    "晟": "cheng",
    "柏": "bai",
    "薄": "bo",
    "长": "chang",
    "重": "chong",
    "都": "du",
    "车": "che",
    "莘": "shen",
    "郇": "huan",
    "洗": "xian",
    "冼": "xian",
    "适": "kuo",
    "相": "xiang",
    "阚": "kan",
}


def _is_han(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"


def normalize_name(name: str) -> str:
    """NFKC (full-width letters to half-width), no spaces or middle dots inside."""
    text = unicodedata.normalize("NFKC", name or "")
    for mark in (" ", "\u3000", "·", "•", "\t"):
        text = text.replace(mark, "")
    return text.strip()


def syllables(name: str) -> list[str]:
    """The pinyin syllables of a name, surname first, with the surname reading."""
    text = normalize_name(name)
    if not text:
        return []
    if not any(_is_han(ch) for ch in text):
        return [text.lower()]
    head: list[str] = []
    rest = text
    if text[:2] in COMPOUND_SURNAMES:
        head = list(COMPOUND_SURNAMES[text[:2]])
        rest = text[2:]
    elif text[0] in SURNAME_READINGS and len(text) > 1:
        head = [SURNAME_READINGS[text[0]]]
        rest = text[1:]
    # Characters without a reading (digits, Latin letters) are kept as they are.
    tail = [part.lower() for part in lazy_pinyin(rest, errors="default") if part.strip()]
    return head + tail


@functools.lru_cache(maxsize=131072)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, e.g. 张三丰 -> ("zhangsanfeng", "zsf")."""
    if not any(_is_han(ch) for ch in normalize_name(name)):
        words = [
            "".join(ch for ch in word if ch.isalnum())
            for word in unicodedata.normalize("NFKC", name or "").lower().split()
        ]
        words = [word for word in words if word]
        return "".join(words)[:200], "".join(word[0] for word in words)[:50]
    parts = syllables(name)
    full = "".join(parts)
    initials = "".join(part[0] for part in parts if part)
    return full[:200], initials[:50]
