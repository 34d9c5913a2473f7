"""Text messages (短信) behind one interface: `get_backend().send(phone=..., template=..., params=...)`.

Backends: console and file for development and tests, Aliyun (阿里云短信) and Tencent Cloud
(腾讯云短信) for production, chosen by settings.SMS_BACKEND.
"""

from __future__ import annotations

from xiaoyou.core.sms.base import SmsBackend, SmsError, SmsResult, get_backend, render_text

__all__ = ["SmsBackend", "SmsError", "SmsResult", "get_backend", "render_text"]
