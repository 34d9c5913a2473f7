"""Tables and a seeded generator for the demo school's alumni records.

Everything here is deterministic: the same seed gives the same records in the same order, so a
second run of `xiaoyou seed-demo` finds every record by its student number and adds nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from xiaoyou.alumni.models import DegreeLevel, Gender

SEED = 20_251_101
# Records are generated as of this year so that reruns in later years produce the same data.
REFERENCE_YEAR = 2025

# Surnames weighted by their share of the population (percent, from the 2020 census tables);
# the compound surnames are boosted a little so the demo always shows some.
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.12), ("李", 7.00), ("张", 6.74), ("刘", 5.10), ("陈", 4.61), ("杨", 3.22),
    ("黄", 2.45), ("赵", 2.23), ("吴", 2.05), ("周", 1.97), ("徐", 1.53), ("孙", 1.48),
    ("马", 1.29), ("朱", 1.26), ("胡", 1.21), ("郭", 1.15), ("何", 1.12), ("林", 1.01),
    ("高", 1.00), ("罗", 0.95), ("郑", 0.87), ("梁", 0.85), ("谢", 0.69), ("宋", 0.65),
    ("唐", 0.63), ("许", 0.61), ("韩", 0.60), ("冯", 0.59), ("邓", 0.58), ("曹", 0.56),
    ("彭", 0.55), ("曾", 0.54), ("肖", 0.54), ("田", 0.51), ("董", 0.50), ("潘", 0.48),
    ("袁", 0.47), ("蔡", 0.46), ("蒋", 0.45), ("余", 0.44), ("于", 0.44), ("杜", 0.42),
    ("叶", 0.41), ("程", 0.40), ("魏", 0.38), ("苏", 0.38), ("吕", 0.37), ("丁", 0.36),
    ("任", 0.35), ("卢", 0.34), ("姚", 0.33), ("沈", 0.33), ("钟", 0.32), ("姜", 0.32),
    ("崔", 0.31), ("谭", 0.30), ("陆", 0.30), ("范", 0.29), ("汪", 0.28), ("廖", 0.28),
    ("石", 0.27), ("金", 0.27), ("韦", 0.26), ("贾", 0.26), ("夏", 0.25), ("付", 0.25),
    ("方", 0.24), ("邹", 0.24), ("熊", 0.23), ("白", 0.23), ("孟", 0.22), ("秦", 0.22),
    ("邱", 0.22), ("侯", 0.21), ("江", 0.21), ("尹", 0.20), ("薛", 0.20), ("闫", 0.19),
    ("段", 0.19), ("雷", 0.18), ("龙", 0.18), ("黎", 0.17), ("史", 0.17), ("陶", 0.16),
    ("贺", 0.16), ("毛", 0.15), ("郝", 0.15), ("顾", 0.15), ("龚", 0.14), ("邵", 0.14),
    ("万", 0.13), ("覃", 0.13), ("武", 0.13), ("钱", 0.13), ("戴", 0.12), ("严", 0.12),
    ("莫", 0.12), ("孔", 0.11), ("向", 0.11), ("常", 0.11), ("单", 0.06), ("仇", 0.04),
    ("欧阳", 0.40), ("司马", 0.20), ("上官", 0.20), ("司徒", 0.20), ("诸葛", 0.15),
    ("东方", 0.10), ("皇甫", 0.10), ("令狐", 0.06), ("慕容", 0.06), ("尉迟", 0.05),
]  # fmt: skip

MALE_CHARACTERS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文博天晨轩峰东海亮睿泽皓铭瑞正兴成立德永新荣锋毅彬栋"
FEMALE_CHARACTERS = (
    "芳娜敏静丽艳娟霞秀玲婷雪慧颖琳倩洁欣晶璐佳萍红梅燕彤莹琪悦怡妍雯丹蕾薇瑶婧雨诗梦涵馨月青"
)
NEUTRAL_CHARACTERS = "晓文子思一嘉安心云俊明宇"
# Common two-character given names; the rest are combined from the characters above.
COMMON_GIVEN_NAMES = {
    Gender.MALE: [
        "子豪",
        "俊杰",
        "浩宇",
        "志强",
        "文博",
        "明轩",
        "建华",
        "伟民",
        "晓东",
        "海涛",
        "振宇",
        "家豪",
        "宇航",
        "天佑",
        "嘉伟",
        "博文",
        "思远",
        "鹏飞",
        "立新",
        "国栋",
        "永强",
        "文杰",
        "晨阳",
        "泽宇",
        "一帆",
        "俊峰",
        "志伟",
        "建平",
        "晓明",
        "海峰",
        "宏伟",
        "学文",
        "耀华",
        "兆辉",
        "光明",
        "洪涛",
        "德华",
        "俊豪",
    ],
    Gender.FEMALE: [
        "晓燕",
        "丽娟",
        "秀兰",
        "静怡",
        "雅琴",
        "佳怡",
        "思雨",
        "雨欣",
        "梦瑶",
        "欣妍",
        "雅婷",
        "婉婷",
        "晓丽",
        "文静",
        "慧敏",
        "淑华",
        "丽萍",
        "玉洁",
        "美玲",
        "雪梅",
        "春燕",
        "晓雯",
        "佳琪",
        "思琪",
        "诗琪",
        "心怡",
        "嘉欣",
        "倩文",
        "丹丹",
        "婷婷",
        "莉莉",
        "晶晶",
        "雪莹",
        "秋月",
        "惠敏",
        "红霞",
        "艳玲",
    ],
}
# Given names typical of a generation, used now and then for older and younger graduates.
OLDER_GIVEN_NAMES = {
    Gender.MALE: ["建国", "国强", "建华", "卫东", "志强", "建军", "国平", "振华", "德明", "学军"],
    Gender.FEMALE: ["红梅", "秀英", "桂兰", "淑珍", "玉兰", "丽华", "凤英", "建红", "小红", "海燕"],
}
YOUNGER_GIVEN_NAMES = {
    Gender.MALE: ["子轩", "浩然", "宇轩", "梓豪", "俊熙", "一鸣", "皓轩", "子墨", "奕辰", "思远"],
    Gender.FEMALE: ["梓涵", "欣怡", "诗涵", "雨桐", "可馨", "思彤", "一诺", "语嫣", "梓萱", "若曦"],
}


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    number: int  # the two digits of the department inside a student number
    name: str
    short_name: str
    weight: float  # share of the graduates
    has_association: bool
    majors: tuple[tuple[str, str], ...]  # (major, short name used in class names)
    employers: tuple[str, ...]


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "CS", 1, "计算机科学与技术学院", "计算机学院", 1.6, True,
        (("计算机科学与技术", "计科"), ("软件工程", "软件"), ("人工智能", "智能"), ("网络空间安全", "网安")),
        ("华为技术有限公司", "腾讯科技（深圳）有限公司", "阿里巴巴（中国）有限公司", "北京字节跳动科技有限公司",
         "百度在线网络技术（北京）有限公司", "网易（杭州）网络有限公司", "美团", "京东集团", "小米科技有限责任公司",
         "中国科学院计算技术研究所"),
    ),
    DepartmentSpec(
        "EM", 2, "经济与管理学院", "经管学院", 1.5, True,
        (("经济学", "经济"), ("金融学", "金融"), ("工商管理", "工管"), ("会计学", "会计")),
        ("中国工商银行", "中国建设银行", "招商银行", "中信证券股份有限公司", "中国国际金融股份有限公司",
         "普华永道中天会计师事务所", "德勤华永会计师事务所", "中国人寿保险股份有限公司", "国家税务总局"),
    ),
    DepartmentSpec(
        "ME", 3, "机械工程学院", "机械学院", 1.2, True,
        (("机械设计制造及其自动化", "机制"), ("车辆工程", "车辆"), ("工业设计", "工设")),
        ("上海汽车集团股份有限公司", "比亚迪股份有限公司", "三一重工股份有限公司", "中国中车股份有限公司",
         "徐工集团", "中国商用飞机有限责任公司", "博世（中国）投资有限公司"),
    ),
    DepartmentSpec(
        "EE", 4, "电子信息工程学院", "电信学院", 1.3, False,
        (("电子信息工程", "电信"), ("通信工程", "通信"), ("微电子科学与工程", "微电")),
        ("中兴通讯股份有限公司", "中国移动通信集团有限公司", "中国电信集团有限公司", "国家电网有限公司",
         "中芯国际集成电路制造有限公司", "海康威视数字技术股份有限公司", "京东方科技集团股份有限公司"),
    ),
    DepartmentSpec(
        "FL", 5, "外国语学院", "外语学院", 0.7, False,
        (("英语", "英语"), ("日语", "日语"), ("翻译", "翻译")),
        ("新东方教育科技集团", "外交部", "中国国际广播电台", "北京外国语大学附属中学", "华为技术有限公司"),
    ),
    DepartmentSpec(
        "LAW", 6, "法学院", "法学院", 0.6, False,
        (("法学", "法学"), ("知识产权", "知产")),
        ("北京市金杜律师事务所", "北京市中伦律师事务所", "上海市锦天城律师事务所", "最高人民法院",
         "上海市第一中级人民法院", "国家知识产权局"),
    ),
    DepartmentSpec(
        "MED", 7, "医学院", "医学院", 1.0, True,
        (("临床医学", "临床"), ("护理学", "护理"), ("药学", "药学")),
        ("北京协和医院", "复旦大学附属中山医院", "四川大学华西医院", "市第一人民医院", "恒瑞医药股份有限公司",
         "国药控股股份有限公司", "市疾病预防控制中心"),
    ),
    DepartmentSpec(
        "HUM", 8, "人文与传播学院", "人文学院", 0.8, False,
        (("汉语言文学", "汉语言"), ("新闻学", "新闻"), ("历史学", "历史")),
        ("新华通讯社", "人民日报社", "上海报业集团", "市第二中学", "中华书局", "腾讯科技（深圳）有限公司"),
    ),
)  # fmt: skip

GENERAL_EMPLOYERS = (
    "中国石油天然气集团有限公司", "中国建筑集团有限公司", "国家开发银行", "中国银行", "联想集团",
    "市人民政府", "中国电子科技集团有限公司", "宁德时代新能源科技股份有限公司", "顺丰控股股份有限公司",
    "自主创业",
)  # fmt: skip

CITIES: list[tuple[str, float]] = [
    ("北京", 15), ("上海", 15), ("深圳", 10), ("广州", 7), ("杭州", 7), ("南京", 5), ("武汉", 5),
    ("成都", 5), ("西安", 4), ("苏州", 4), ("天津", 3), ("重庆", 3), ("长沙", 3), ("合肥", 2),
    ("厦门", 2), ("青岛", 2), ("纽约", 1.2), ("旧金山", 1), ("伦敦", 0.8), ("新加坡", 0.8),
    ("东京", 0.6), ("悉尼", 0.5), ("香港", 1.1),
]  # fmt: skip

PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]

DURATIONS = {DegreeLevel.BACHELOR: (4, 4), DegreeLevel.MASTER: (2, 3), DegreeLevel.DOCTOR: (3, 5)}
AGE_AT_ENROLLMENT = {
    DegreeLevel.BACHELOR: (17, 19),
    DegreeLevel.MASTER: (21, 25),
    DegreeLevel.DOCTOR: (24, 29),
}
FIRST_YEAR = {DegreeLevel.BACHELOR: 1978, DegreeLevel.MASTER: 1982, DegreeLevel.DOCTOR: 1986}
DEGREE_NUMBER = {DegreeLevel.BACHELOR: 1, DegreeLevel.MASTER: 2, DegreeLevel.DOCTOR: 3}


@dataclass(frozen=True)
class RecordSpec:
    name: str
    gender: str
    birth_date: date
    student_id: str
    department_code: str
    major_name: str
    class_name: str
    degree_level: str
    enrollment_year: int
    graduation_year: int
    phone: str
    email: str
    city: str
    employer: str


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([item for item, _ in table], weights=[weight for _, weight in table])[0]


def _given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    if birth_year < 1965 and rng.random() < 0.35:
        return rng.choice(OLDER_GIVEN_NAMES[Gender(gender)])
    if birth_year >= 1995 and rng.random() < 0.35:
        return rng.choice(YOUNGER_GIVEN_NAMES[Gender(gender)])
    pool = MALE_CHARACTERS if gender == Gender.MALE else FEMALE_CHARACTERS
    # About a quarter have one-character given names (张伟, 李娜): two-character full names.
    if rng.random() < 0.27:
        return rng.choice(pool)
    if rng.random() < 0.65:
        return rng.choice(COMMON_GIVEN_NAMES[Gender(gender)])
    first = rng.choice(pool + NEUTRAL_CHARACTERS)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return first + second


def _enrollment_year(rng: random.Random, degree: str) -> int:
    # Intake grew steadily, faster after the 1999 expansion: later years weigh more.
    first = FIRST_YEAR[DegreeLevel(degree)]
    last = REFERENCE_YEAR - DURATIONS[DegreeLevel(degree)][1]
    years = list(range(first, last + 1))
    weights = [1.0 + (year - first) * (0.06 if year < 1999 else 0.12) for year in years]
    return rng.choices(years, weights=weights)[0]


def generate_records(count: int, *, seed: int = SEED) -> Iterator[RecordSpec]:
    """`count` believable records; the first k of a larger count equal a run with count k."""
    rng = random.Random(seed)
    sequence: Counter[tuple[int, int, int]] = Counter()
    department_weights = [department.weight for department in DEPARTMENTS]
    for _index in range(count):
        department = rng.choices(DEPARTMENTS, weights=department_weights)[0]
        major_name, major_short = rng.choice(department.majors)
        roll = rng.random()
        degree = (
            DegreeLevel.BACHELOR
            if roll < 0.70
            else DegreeLevel.MASTER
            if roll < 0.94
            else DegreeLevel.DOCTOR
        )
        enrollment = _enrollment_year(rng, degree)
        low, high = DURATIONS[degree]
        duration = (
            5
            if degree == DegreeLevel.BACHELOR and major_name == "临床医学"
            else rng.randint(low, high)
        )
        graduation = min(enrollment + duration, REFERENCE_YEAR)
        age_low, age_high = AGE_AT_ENROLLMENT[degree]
        birth_year = enrollment - rng.randint(age_low, age_high)
        birth_date = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        gender = (
            Gender.MALE
            if rng.random() < (0.62 if department.code in {"CS", "ME", "EE"} else 0.42)
            else Gender.FEMALE
        )
        name = _weighted(rng, SURNAMES) + _given_name(rng, gender, birth_year)

        key = (enrollment, department.number, DEGREE_NUMBER[degree])
        sequence[key] += 1
        student_id = (
            f"{enrollment}{department.number:02d}{DEGREE_NUMBER[degree]}{sequence[key]:04d}"
        )
        if degree == DegreeLevel.BACHELOR:
            class_name = f"{major_short}{enrollment % 100:02d}{rng.randint(1, 4):02d}班"
        elif degree == DegreeLevel.MASTER:
            class_name = f"{enrollment}级硕士{rng.randint(1, 2)}班"
        else:
            class_name = f"{enrollment}级博士班"

        phone = f"+86{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"
        mail_roll = rng.random()
        if mail_roll < 0.15:
            email = ""
        else:
            # Reserved example domains: demo data must never reach a real mailbox.
            domain = ("example.com", "example.net", "example.org")[int(mail_roll * 10) % 3]
            email = f"{rng.randint(10_000_000, 9_999_999_999)}@{domain}"
        city = _weighted(rng, CITIES)
        employer_roll = rng.random()
        if employer_roll < 0.08:
            employer = ""
        elif employer_roll < 0.75:
            employer = rng.choice(department.employers)
        else:
            employer = rng.choice(GENERAL_EMPLOYERS)
        yield RecordSpec(
            name=name,
            gender=gender,
            birth_date=birth_date,
            student_id=student_id,
            department_code=department.code,
            major_name=major_name,
            class_name=class_name,
            degree_level=degree,
            enrollment_year=enrollment,
            graduation_year=graduation,
            phone=phone,
            email=email,
            city=city,
            employer=employer,
        )
