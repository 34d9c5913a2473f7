"""Error codes of the accounts app, with their translated messages."""

from __future__ import annotations

from allauth.core.exceptions import RateLimited
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import ApplicationError, register_messages

SMS_RATE_LIMITED = "sms_rate_limited"
SMS_FAILED = "sms_failed"
ACCOUNT_LOCKED = "account_locked"

MESSAGES = {
    # 验证码发送过于频繁，请 %(seconds)s 秒后再试。
    SMS_RATE_LIMITED: _("Too many codes were requested. Try again in %(seconds)s seconds."),
    # 短信发送失败，请稍后再试。
    SMS_FAILED: _("The text message could not be sent. Try again later."),
    # 登录失败次数过多，账号已锁定至 %(time)s。
    ACCOUNT_LOCKED: _("Too many failed sign-in attempts. This account is locked until %(time)s."),
}
register_messages(MESSAGES)


class SmsRateLimited(ApplicationError, RateLimited):
    """Raised when a code would exceed a per-phone or per-IP limit.

    Also an allauth RateLimited, so allauth's "send a new code" views show their own message;
    anywhere else the application error middleware renders it as a 429 page.
    """

    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(SMS_RATE_LIMITED, seconds=seconds)
        self.seconds = seconds
