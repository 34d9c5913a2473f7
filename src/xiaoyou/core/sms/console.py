"""Development backend: the message goes to the log and the terminal, nowhere else."""

from __future__ import annotations

import logging
import sys
import uuid

from xiaoyou.core.sms.base import SmsBackend, SmsResult, render_text

logger = logging.getLogger("xiaoyou.sms")


class ConsoleSmsBackend(SmsBackend):
    name = "console"

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> SmsResult:
        text = render_text(template, params)
        logger.info("sms", extra={"phone": phone, "template": template, "sms_params": params})
        # The log may be JSON on another stream; a developer wants the code in plain sight.
        print(f"[SMS to {phone}] {text}", file=sys.stdout, flush=True)
        return SmsResult(provider=self.name, phone=phone, message_id=uuid.uuid4().hex)
