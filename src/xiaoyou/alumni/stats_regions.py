"""校友统计 maps: record province and country values as the vendored map outlines name them.

china.json names provinces without their suffix ("广东", "内蒙古", "北京"); the province files
are static/vendor/maps/province/<pinyin>.json; world.json uses English short names
("China", "United States", "Korea"). Records hold whatever was typed or imported: "广东省",
"广西壮族自治区", "Guangdong", "美国", "USA"...
"""

from __future__ import annotations

# Map feature name -> province file (static/vendor/maps/province/<file>.json).
PROVINCE_FILES: dict[str, str] = {
    "北京": "beijing",
    "天津": "tianjin",
    "上海": "shanghai",
    "重庆": "chongqing",
    "河北": "hebei",
    "山西": "shanxi",
    "辽宁": "liaoning",
    "吉林": "jilin",
    "黑龙江": "heilongjiang",
    "江苏": "jiangsu",
    "浙江": "zhejiang",
    "安徽": "anhui",
    "福建": "fujian",
    "江西": "jiangxi",
    "山东": "shandong",
    "河南": "henan",
    "湖北": "hubei",
    "湖南": "hunan",
    "广东": "guangdong",
    "海南": "hainan",
    "四川": "sichuan",
    "贵州": "guizhou",
    "云南": "yunnan",
    "陕西": "shanxi1",
    "甘肃": "gansu",
    "青海": "qinghai",
    "台湾": "taiwan",
    "内蒙古": "neimenggu",
    "广西": "guangxi",
    "西藏": "xizang",
    "宁夏": "ningxia",
    "新疆": "xinjiang",
    "香港": "xianggang",
    "澳门": "aomen",
}

# Municipalities and special administrative regions: their map is drawn by district, and
# records often name only the city itself ("北京", "上海市") as their city.
MUNICIPALITIES = frozenset({"北京", "上海", "天津", "重庆", "香港", "澳门"})

# Latin spellings (lower-case, without "province"/"shi"/spaces) of the provinces.
_LATIN_PROVINCES: dict[str, str] = {
    "inner mongolia": "内蒙古",
    "innermongolia": "内蒙古",
    "neimenggu": "内蒙古",
    "nei mongol": "内蒙古",
    "tibet": "西藏",
    "xizang": "西藏",
    "shaanxi": "陕西",
    "shanxi": "山西",
    "hong kong": "香港",
    "hongkong": "香港",
    "macau": "澳门",
    "macao": "澳门",
    "aomen": "澳门",
    "xianggang": "香港",
}
_LATIN_PROVINCES.update(
    {file: name for name, file in PROVINCE_FILES.items() if file not in _LATIN_PROVINCES}
)
_LATIN_PROVINCES.pop("shanxi1", None)

# Values of AlumniRecord.country that mean China (mainland, Hong Kong, Macao, Taiwan are all
# drawn on the China map).
CHINA_VALUES = (
    "",
    "中国",
    "中华人民共和国",
    "中国大陆",
    "China",
    "china",
    "CHINA",
    "PRC",
    "P.R.China",
    "P.R. China",
    "CN",
    "CHN",
    "Mainland China",
    "People's Republic of China",
)

# Common country values (Chinese and English variants) -> world.json feature name.
_COUNTRIES: dict[str, str] = {
    "中国": "China",
    "中华人民共和国": "China",
    "中国大陆": "China",
    "中国香港": "China",
    "香港": "China",
    "中国澳门": "China",
    "澳门": "China",
    "中国台湾": "China",
    "台湾": "China",
    "prc": "China",
    "p.r.china": "China",
    "p.r. china": "China",
    "cn": "China",
    "chn": "China",
    "mainland china": "China",
    "people's republic of china": "China",
    "hong kong": "China",
    "macau": "China",
    "taiwan": "China",
    "美国": "United States",
    "usa": "United States",
    "us": "United States",
    "u.s.": "United States",
    "u.s.a.": "United States",
    "united states of america": "United States",
    "america": "United States",
    "英国": "United Kingdom",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "great britain": "United Kingdom",
    "britain": "United Kingdom",
    "england": "United Kingdom",
    "日本": "Japan",
    "韩国": "Korea",
    "south korea": "Korea",
    "republic of korea": "Korea",
    "朝鲜": "Dem. Rep. Korea",
    "north korea": "Dem. Rep. Korea",
    "加拿大": "Canada",
    "澳大利亚": "Australia",
    "澳洲": "Australia",
    "新西兰": "New Zealand",
    "德国": "Germany",
    "法国": "France",
    "意大利": "Italy",
    "西班牙": "Spain",
    "葡萄牙": "Portugal",
    "荷兰": "Netherlands",
    "the netherlands": "Netherlands",
    "holland": "Netherlands",
    "比利时": "Belgium",
    "瑞士": "Switzerland",
    "瑞典": "Sweden",
    "挪威": "Norway",
    "丹麦": "Denmark",
    "芬兰": "Finland",
    "爱尔兰": "Ireland",
    "奥地利": "Austria",
    "波兰": "Poland",
    "捷克": "Czech Rep.",
    "czech republic": "Czech Rep.",
    "czechia": "Czech Rep.",
    "匈牙利": "Hungary",
    "希腊": "Greece",
    "俄罗斯": "Russia",
    "russian federation": "Russia",
    "乌克兰": "Ukraine",
    "土耳其": "Turkey",
    "以色列": "Israel",
    "阿联酋": "United Arab Emirates",
    "阿拉伯联合酋长国": "United Arab Emirates",
    "uae": "United Arab Emirates",
    "沙特阿拉伯": "Saudi Arabia",
    "沙特": "Saudi Arabia",
    "卡塔尔": "Qatar",
    "埃及": "Egypt",
    "南非": "South Africa",
    "尼日利亚": "Nigeria",
    "肯尼亚": "Kenya",
    "埃塞俄比亚": "Ethiopia",
    "印度": "India",
    "巴基斯坦": "Pakistan",
    "孟加拉国": "Bangladesh",
    "斯里兰卡": "Sri Lanka",
    "尼泊尔": "Nepal",
    "新加坡": "Singapore",
    "马来西亚": "Malaysia",
    "泰国": "Thailand",
    "越南": "Vietnam",
    "viet nam": "Vietnam",
    "印度尼西亚": "Indonesia",
    "印尼": "Indonesia",
    "菲律宾": "Philippines",
    "柬埔寨": "Cambodia",
    "老挝": "Lao PDR",
    "laos": "Lao PDR",
    "缅甸": "Myanmar",
    "蒙古": "Mongolia",
    "蒙古国": "Mongolia",
    "哈萨克斯坦": "Kazakhstan",
    "乌兹别克斯坦": "Uzbekistan",
    "伊朗": "Iran",
    "伊拉克": "Iraq",
    "墨西哥": "Mexico",
    "巴西": "Brazil",
    "阿根廷": "Argentina",
    "智利": "Chile",
    "秘鲁": "Peru",
    "哥伦比亚": "Colombia",
    "古巴": "Cuba",
    "委内瑞拉": "Venezuela",
}

_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")


def province_name(value: str) -> str:
    """The china.json feature name of a record's province, or "" when it is not recognized."""
    text = (value or "").strip()
    if not text:
        return ""
    for name in PROVINCE_FILES:
        if text.startswith(name):
            return name
    latin = text.lower().replace("province", "").replace("municipality", "").strip()
    latin = latin.removesuffix(" shi").removesuffix(" sheng").strip()
    if latin in _LATIN_PROVINCES:
        return _LATIN_PROVINCES[latin]
    compact = latin.replace(" ", "")
    if compact in _LATIN_PROVINCES:
        return _LATIN_PROVINCES[compact]
    for suffix in _PROVINCE_SUFFIXES:
        text = text.removesuffix(suffix)
    return text if text in PROVINCE_FILES else ""


def country_name(value: str) -> str:
    """The world.json feature name of a record's country (English names pass through)."""
    text = (value or "").strip()
    if not text:
        return ""
    return _COUNTRIES.get(text) or _COUNTRIES.get(text.lower()) or text
