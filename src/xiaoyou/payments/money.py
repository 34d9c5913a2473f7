"""Money as people read it: fen shown as yuan ("1,234.56"), yuan typed by staff read back as
exact fen, and the amount in Chinese capital numerals (大写金额) that receipts carry.

Amounts are integer fen everywhere in our code; Decimal is used only at the edges so a typed
"0.1" never becomes 9 fen through a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUP_UNITS = ("", "万", "亿", "万亿")  # each group is four digits


def format_yuan(fen: int) -> str:
    """12345 -> "123.45"; thousands separated; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def yuan_to_fen(text: str | Decimal) -> int:
    """Exact fen of a yuan amount typed by a person ("12.3" -> 1230); more than two decimals,
    negative amounts or non-numbers raise ValueError (nothing is rounded away silently)."""
    try:
        value = Decimal(str(text).strip().replace(",", "").replace("¥", ""))
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite() or value < 0:
        raise ValueError("not a positive amount")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimals")
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _group(number: int) -> str:
    """0 < number < 10000 in capitals; inner zeros collapse to one 零, trailing zeros drop."""
    text = ""
    pending_zero = False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = number // 10**power % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += DIGITS[digit] + unit
    return text


def integer_capitals(number: int) -> str:
    """A whole number of yuan in capitals (without 元): 100010 -> 壹拾万零壹拾."""
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        # 壹万零伍 (10005), 壹拾万零壹拾 (100010): a zero between groups when digits are skipped.
        if text and (pending_zero or group < 1000):
            text += "零"
        pending_zero = False
        text += _group(group) + GROUP_UNITS[index]
    return text


def amount_in_capitals(fen: int) -> str:
    """大写金额 of `fen` as written on Chinese receipts and cheques (支付结算办法 rules):
    12345 -> 壹佰贰拾叁元肆角伍分, 10000 -> 壹佰元整, 105 -> 壹元零伍分, 50 -> 伍角整."""
    if fen < 0:
        raise ValueError("negative amount")
    yuan, cents = divmod(int(fen), 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = integer_capitals(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return text
