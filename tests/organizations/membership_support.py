"""Helpers of the membership tests: a join form with every field type, uploads, the SMS outbox,
and fixtures (imported by the test modules that use them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoyou.core.sms.file import FileSmsBackend
from xiaoyou.organizations.models import ApprovalMode, Organization

# One field of each type; name and graduation year are what the alumni matcher reads.
JOIN_FORM: list[dict[str, Any]] = [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "graduation_year", "label": "毕业年份", "type": "number", "required": True},
    {"key": "degree", "label": "学历", "type": "choice", "required": True,
     "choices": ["本科", "硕士", "博士"]},
    {"key": "interests", "label": "兴趣", "type": "multiple_choice", "required": False,
     "choices": ["羽毛球", "徒步", "读书"]},
    {"key": "birthday", "label": "生日", "type": "date", "required": False},
    {"key": "intro", "label": "自我介绍", "type": "textarea", "required": False},
    {"key": "diploma", "label": "毕业证", "type": "file", "required": False,
     "max_size_mb": 1, "extensions": ["pdf", "jpg"]},
]  # fmt: skip

GOOD_ANSWERS = {"name": "李雷", "graduation_year": 2012, "degree": "本科"}


def set_join_rules(org: Organization, *, mode: str = ApprovalMode.MANUAL, form: Any = None) -> None:
    org.approval_mode = mode
    org.join_form = JOIN_FORM if form is None else form
    org.save(update_fields=["approval_mode", "join_form"])


def pdf(name: str = "毕业证.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF" + b"0" * (size - 4), content_type="application/pdf")


@pytest.fixture(name="english")
def english_fixture(settings):
    # Chinese is the default language; these tests read the English msgids.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(name="clean_cache")
def clean_cache_fixture():
    # Rate limits (SMS invitations) count in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="sms_outbox")
def sms_outbox_fixture(settings, tmp_path: Path) -> FileSmsBackend:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return FileSmsBackend(tmp_path / "sms.log")


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"
