"""Delivery receipts and replies of the SMS emulators, in each provider's documented push format.

Aliyun pushes SmsReport and SmsUp (HTTP batch push), Tencent Cloud its status and reply
callbacks, to the URL configured in their consoles. `aliyun_report(emulator, ...)` and
`tencent_report(emulator, ...)` build the receipts of what the emulator accepted (by BizId /
SerialNo) with a chosen outcome per phone; `push(url, payload)` posts them like the provider.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

DELIVERED = "delivered"


def _now() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def aliyun_report(emulator: Any, failed: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """SmsReport items for every message the Aliyun emulator accepted; phones in `failed`
    (11 digits) are reported undelivered (MK:0001, as a carrier reports a closed phone)."""
    items = []
    for sent in emulator.sent:
        for phone in sent["phone_numbers"]:
            ok = phone not in failed
            items.append(
                {
                    "phone_number": phone,
                    "send_time": _now(),
                    "report_time": _now(),
                    "success": ok,
                    "err_code": "DELIVERED" if ok else "MK:0001",
                    "err_msg": "用户接收成功" if ok else "用户关机",
                    "sms_size": "1",
                    "biz_id": sent["biz_id"],
                    "out_id": "",
                }
            )
    return items


def aliyun_reply(phone: str, content: str, sign_name: str) -> list[dict[str, Any]]:
    return [
        {
            "phone_number": phone,
            "send_time": _now(),
            "content": content,
            "sign_name": sign_name,
            "dest_code": "1234",
            "sequence_id": 1,
        }
    ]


def tencent_report(emulator: Any, failed: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """Status callback items for every message the Tencent emulator accepted; phones in
    `failed` (E.164) are reported FAIL."""
    items = []
    for sent in emulator.sent:
        phone = str(sent["phone"])
        ok = phone not in failed
        items.append(
            {
                "user_receive_time": _now(),
                "nationcode": "86",
                "mobile": phone.removeprefix("+86"),
                "report_status": "SUCCESS" if ok else "FAIL",
                "errmsg": "DELIVRD" if ok else "MI:0013",
                "description": "用户短信送达成功" if ok else "用户短信未送达",
                "sid": sent["serial_no"],
            }
        )
    return items


def tencent_reply(phone: str, text: str, sign: str) -> dict[str, Any]:
    return {
        "extend": "",
        "mobile": phone,
        "nationcode": "86",
        "sign": sign,
        "text": text,
        "time": int(dt.datetime.now(dt.UTC).timestamp()),
    }


def push(url: str, payload: Any) -> httpx.Response:
    """POSTs a payload as the provider does (JSON body, no cookies)."""
    return httpx.post(url, json=payload, timeout=10)
