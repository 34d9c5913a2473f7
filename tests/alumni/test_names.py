from __future__ import annotations

import pytest

from xiaoyou.alumni.names import name_keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三丰", ("zhangsanfeng", "zsf")),
        ("曾国藩", ("zengguofan", "zgf")),  # surname reading, not ceng
        ("单田芳", ("shantianfang", "stf")),
        ("仇英", ("qiuying", "qy")),
        ("欧阳修", ("ouyangxiu", "oyx")),  # compound surname
        ("长孙无忌", ("zhangsunwuji", "zswj")),
        ("王芳", ("wangfang", "wf")),  # two-character name
        ("张 伟", ("zhangwei", "zw")),  # stray space
        ("Ｌｉ Ｍｉｎｇ", ("liming", "lm")),  # full-width Latin letters
        ("", ("", "")),
    ],
)
def test_name_keys(name, keys):
    assert name_keys(name) == keys
