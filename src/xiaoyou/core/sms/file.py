"""Development and test backend: one JSON object per line appended to settings.SMS_FILE_PATH.

Browser tests and a developer without a gateway read the codes from that file.
"""

from __future__ import annotations

import fcntl
import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from xiaoyou.core.sms.base import SmsBackend, SmsResult, render_text


class FileSmsBackend(SmsBackend):
    name = "file"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> SmsResult:
        message_id = uuid.uuid4().hex
        record = {
            "id": message_id,
            "time": timezone.now().isoformat(),
            "phone": phone,
            "template": template,
            "params": params,
            "text": render_text(template, params),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            # Several server processes may append at once: keep each line whole.
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            fcntl.flock(handle, fcntl.LOCK_UN)
        return SmsResult(provider=self.name, phone=phone, message_id=message_id)

    def messages(self, *, phone: str | None = None) -> list[dict[str, Any]]:
        """The messages written so far, oldest first, optionally only those to `phone`."""
        if not self.path.exists():
            return []
        records = [
            json.loads(line)
            for line in self.path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        return [record for record in records if phone is None or record["phone"] == phone]
