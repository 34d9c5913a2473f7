"""Fixtures of the accounts tests: a clean cache (rate limits), the file SMS backend, and the
Aliyun, Tencent and WeChat emulators with the settings pointing at them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.support import fresh_cache_settings
from tests.emulators.aliyun_sms import AliyunSmsEmulator
from tests.emulators.tencent_sms import TencentSmsEmulator
from tests.emulators.wechat import WeChatEmulator

MP_APP_ID, MP_SECRET = "wx0000000000000mp", "mp-secret-0123456789abcdef"
WEB_APP_ID, WEB_SECRET = "wx000000000000web", "web-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate-limit counters and the WeChat token live in the cache: each test gets its own."""
    settings.CACHES = fresh_cache_settings(settings.CACHES)


class SmsOutbox:
    """The file SMS backend's messages, as a test reads them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self, phone: str | None = None) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        records = [json.loads(line) for line in self.path.read_text().splitlines() if line]
        return [record for record in records if phone is None or record["phone"] == phone]

    def last_code(self, phone: str) -> str:
        codes = [m["params"]["code"] for m in self.messages(phone) if "code" in m["params"]]
        assert codes, f"no code was texted to {phone}"
        return codes[-1]


@pytest.fixture
def sms_outbox(settings, tmp_path) -> SmsOutbox:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return SmsOutbox(tmp_path / "sms.jsonl")


@pytest.fixture
def aliyun(settings):
    emulator = AliyunSmsEmulator(
        access_keys={"LTAI5tEmulatorKey": "emulator-secret"},
        templates={"SMS_100000001", "SMS_100000002"},
        sign_names={"示范校友会"},
    )
    with emulator:
        settings.SMS_BACKEND = "aliyun"
        settings.SMS_ALIYUN_ENDPOINT = emulator.url + "/"
        settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tEmulatorKey"
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "emulator-secret"
        settings.SMS_ALIYUN_TEMPLATE_CODE = "SMS_100000001"
        settings.SMS_SIGN_NAME = "示范校友会"
        settings.SMS_TEMPLATES = {}
        yield emulator


@pytest.fixture
def tencent(settings):
    emulator = TencentSmsEmulator(
        secrets={"AKIDEmulator0000": "emulator-secret-key"},
        sdk_app_ids={"1400000001"},
        templates={"2000001": 2, "2000002": 1},
        sign_names={"示范校友会"},
    )
    with emulator:
        settings.SMS_BACKEND = "tencent"
        settings.SMS_TENCENT_ENDPOINT = emulator.url + "/"
        settings.SMS_TENCENT_SECRET_ID = "AKIDEmulator0000"
        settings.SMS_TENCENT_SECRET_KEY = "emulator-secret-key"
        settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
        settings.SMS_TENCENT_TEMPLATE_ID = "2000001"
        settings.SMS_SIGN_NAME = "示范校友会"
        settings.SMS_TEMPLATES = {}
        yield emulator


@pytest.fixture
def wechat(settings):
    emulator = WeChatEmulator({MP_APP_ID: MP_SECRET, WEB_APP_ID: WEB_SECRET})
    with emulator:
        settings.WECHAT_APP_ID = MP_APP_ID
        settings.WECHAT_APP_SECRET = MP_SECRET
        settings.WECHAT_WEB_APP_ID = WEB_APP_ID
        settings.WECHAT_WEB_APP_SECRET = WEB_SECRET
        settings.WECHAT_OPEN_URL = emulator.url
        settings.WECHAT_API_URL = emulator.url
        yield emulator
