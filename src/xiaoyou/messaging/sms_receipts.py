"""Provider callbacks of SMS: delivery receipts (状态报告) and replies (上行, "TD" opt-outs).

Formats, as the providers push them (HTTP POST of a JSON array):
- Aliyun SmsReport: [{"phone_number", "send_time", "report_time", "success": true|false,
  "err_code": "DELIVERED"|..., "err_msg", "sms_size", "biz_id", "out_id"}]; answer
  {"code": 0, "msg": "成功"}.
- Aliyun SmsUp: [{"phone_number", "send_time", "content", "sign_name", "dest_code",
  "sequence_id"}].
- Tencent status callback: [{"user_receive_time", "nationcode", "mobile",
  "report_status": "SUCCESS"|"FAIL", "errmsg", "description", "sid"}]; answer
  {"result": 0, "errmsg": "OK"}.
- Tencent reply callback: one object {"extend", "mobile", "nationcode", "sign", "text", "time"}
  (or an array of them).

A receipt finds its message by (provider, provider message id: BizId / SerialNo) and sets it
delivered or failed; a receipt for an unknown id is ignored (a verification code's, another
system's). A reply whose text is an opt-out keyword puts the phone on the opt-out list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from xiaoyou.messaging.models import SmsMessage, SmsMessageStatus

OPT_OUT_WORDS = {"td", "t", "n", "退订", "取消", "unsubscribe", "stop", "r"}
RECEIPT_STATUSES = (SmsMessageStatus.SENT, SmsMessageStatus.UNKNOWN, SmsMessageStatus.SENDING)


def _when(text: Any) -> dt.datetime:
    try:
        naive = dt.datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return timezone.now()
    return timezone.make_aware(naive)  # the providers report Beijing time


def receipt_apply(
    *, provider: str, message_id: str, delivered: bool, error: str = "", at: dt.datetime
) -> bool:
    """Sets one message delivered or failed from its receipt; False when it is not ours."""
    if not message_id:
        return False
    fields: dict[str, Any] = {
        "status": SmsMessageStatus.DELIVERED if delivered else SmsMessageStatus.FAILED
    }
    if delivered:
        fields["delivered_at"] = at
    else:
        fields["error"] = error[:200]
    return bool(
        SmsMessage.objects.filter(
            provider=provider, provider_message_id=message_id, status__in=RECEIPT_STATUSES
        ).update(**fields)
    )


def _items(payload: Any) -> Iterable[dict[str, Any]]:
    if isinstance(payload, dict):
        return [payload]
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, dict)]
    return []


def aliyun_reports(payload: Any) -> int:
    applied = 0
    for item in _items(payload):
        success = item.get("success") in (True, "true", "True", 1)
        applied += receipt_apply(
            provider="aliyun",
            message_id=str(item.get("biz_id") or ""),
            delivered=success,
            error=f"{item.get('err_code', '')}: {item.get('err_msg', '')}",
            at=_when(item.get("report_time")),
        )
    return applied


def tencent_reports(payload: Any) -> int:
    applied = 0
    for item in _items(payload):
        applied += receipt_apply(
            provider="tencent",
            message_id=str(item.get("sid") or ""),
            delivered=str(item.get("report_status", "")).upper() == "SUCCESS",
            error=f"{item.get('errmsg', '')}: {item.get('description', '')}",
            at=_when(item.get("user_receive_time")),
        )
    return applied


def _opt_out(phone: str, text: str) -> bool:
    from xiaoyou.messaging.audiences import normalize_phone
    from xiaoyou.messaging.services.sms_campaigns import opt_out_add

    number = normalize_phone(phone)
    if not number or str(text or "").strip().lower() not in OPT_OUT_WORDS:
        return False
    opt_out_add(phone=number, source="reply")
    return True


def aliyun_replies(payload: Any) -> int:
    return sum(
        _opt_out(str(item.get("phone_number", "")), str(item.get("content", "")))
        for item in _items(payload)
    )


def tencent_replies(payload: Any) -> int:
    return sum(
        _opt_out(str(item.get("mobile", "")), str(item.get("text", ""))) for item in _items(payload)
    )


HANDLERS = {
    ("aliyun", "report"): aliyun_reports,
    ("aliyun", "reply"): aliyun_replies,
    ("tencent", "report"): tencent_reports,
    ("tencent", "reply"): tencent_replies,
}
ANSWERS = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}
