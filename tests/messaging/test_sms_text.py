"""Segment counting (计费条数) with the signature, variables and the opt-out hint."""

from __future__ import annotations

from django.utils import translation

from xiaoyou.messaging import sms_text


def test_seventy_characters_are_one_message_and_longer_texts_count_67_per_segment():
    assert sms_text.segments("") == 0
    assert sms_text.segments("字" * 70) == 1
    assert sms_text.segments("字" * 71) == 2
    assert sms_text.segments("字" * 134) == 2
    assert sms_text.segments("字" * 135) == 3
    # Latin letters count the same as Chinese characters on mainland gateways.
    assert sms_text.segments("a" * 70) == 1
    assert sms_text.segments("a" * 71) == 2
    # An emoji outside the BMP takes two UCS-2 units.
    assert sms_text.length("🎂") == 2


def test_the_signature_counts_towards_the_length():
    body = "字" * 64
    assert sms_text.segments(body) == 1
    full = sms_text.full_text("示范校友会", body)  # 【示范校友会】 is 7 characters
    assert full.startswith("【示范校友会】")
    assert sms_text.length(full) == 71
    assert sms_text.segments(full) == 2


def test_variables_and_the_opt_out_hint():
    text = sms_text.render(
        "{name}校友您好，{org}邀请您{missing}参加年会", {"name": "王芳", "org": "校友会"}
    )
    assert text == "王芳校友您好，校友会邀请您参加年会"
    with translation.override("zh-hans"):
        hint = str(sms_text.OPT_OUT_HINT)
        body = sms_text.body_with_hint(text, has_opt_out_hint=True)
        assert body == f"{text} {hint}"
        # Not twice when the author wrote it already.
        assert sms_text.body_with_hint(body, has_opt_out_hint=True) == body
    assert sms_text.body_with_hint(text, has_opt_out_hint=False) == text
