"""Browser journey of the directory on a phone (390x844): a new user signs up by SMS code, claims
their record, sets their phone to "classmates only", is found by a classmate who sees the phone
and by a non-classmate who does not; the two alumni exchange cards and download vCards."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.accounts.support import fresh_cache_settings
from tests.directory.factories import make_alumnus
from tests.directory.vcard_parser import parse, text_value
from tests.factories import AlumniRecordFactory, DepartmentFactory, MajorFactory
from xiaoyou.accounts.models import User
from xiaoyou.directory.models import CardExchange, PrivacySettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RECORD_PHONE = "13700137001"


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    # The live server runs in this process: it uses these settings and this (empty) cache.
    settings.CACHES = fresh_cache_settings(settings.CACHES)
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def _last_code(path: Path, phone: str) -> str:
    records = [json.loads(line) for line in path.read_text().splitlines() if line]
    codes = [r["params"]["code"] for r in records if r["phone"] == phone and "code" in r["params"]]
    assert codes, f"no code texted to {phone}"
    return codes[-1]


@pytest.fixture
def school(db):
    computing = DepartmentFactory(name="计算机学院")
    economics = DepartmentFactory(name="经济学院")
    software = MajorFactory(name="软件工程", department=computing)
    finance = MajorFactory(name="金融学", department=economics)
    record = AlumniRecordFactory(
        name="陈晨",
        student_id="2010010001",
        department=computing,
        major=software,
        class_name="计科1班",
        enrollment_year=2010,
        graduation_year=2014,
        phone=RECORD_PHONE,
        city="上海",
        employer="腾讯",
    )
    classmate, _ = make_alumnus(
        name="李娜",
        department=computing,
        major=software,
        class_name="计科1班",
        enrollment_year=2010,
        graduation_year=2014,
        phone="13700137002",
    )
    stranger, _ = make_alumnus(
        name="赵敏",
        department=economics,
        major=finance,
        class_name="金融1班",
        enrollment_year=2012,
        graduation_year=2016,
        phone="13700137003",
        employer="招商银行",
    )
    return record, classmate, stranger


def _as(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(page, user)


def _find_chen(page) -> str:
    page.goto("/alumni/")
    page.fill("input[name=q]", "陈晨")
    page.click("[data-action=search]")
    page.wait_for_url(re.compile(r"/alumni/\?"))
    entry = page.locator("[data-list=directory] li", has_text="陈晨")
    assert entry.count() == 1
    return entry.inner_text()


def test_sign_up_claim_privacy_find_and_exchange_cards(
    mobile_page, sms_file, school, sign_in, screenshot, tmp_path
):
    page = mobile_page
    record, classmate, stranger = school

    # 1. Sign up by phone code.
    page.goto("/accounts/signup/")
    page.fill("#id_phone", "13900139111")
    for box in page.locator("form input[type=checkbox][required]").all():
        box.check()  # the privacy policy's consent, when the school published one
    page.click("[data-action=signup]")
    page.wait_for_url(re.compile(r"/accounts/phone/verify/$"))
    page.fill("#id_code", _last_code(sms_file, "+8613900139111"))
    page.click("[data-action=confirm]")
    page.wait_for_url(re.compile(r"/$"))
    newcomer = User.objects.get(phone="+8613900139111")

    # 2. Claim the record (student number and name: a certain match).
    page.goto("/me/claim/")
    page.fill("input[name=name]", "陈晨")
    page.fill("input[name=student_id]", "2010010001")
    page.click("[data-claim-form] button[type=submit]")
    page.locator("[data-claim-status=matched]").wait_for()
    record.refresh_from_db()
    assert record.user_id == newcomer.pk and record.verification == "verified"

    # 3. Phone for classmates only (the personal center's "Privacy" entry).
    page.goto("/me/")
    page.click("[data-entry=directory_privacy] a")
    page.wait_for_url(re.compile(r"/alumni/privacy/$"))
    page.select_option("select[name=phone]", "classmates")
    page.click("[data-action=save-privacy]")
    page.wait_for_url(re.compile(r"/alumni/privacy/$"))
    assert PrivacySettings.objects.get(user=newcomer).phone == "classmates"
    screenshot(page, "directory-privacy-mobile")

    # 4. A classmate finds 陈晨 with the phone; a non-classmate without it.
    _as(page, sign_in, classmate)
    assert RECORD_PHONE in _find_chen(page)
    screenshot(page, "directory-classmate-mobile")
    _as(page, sign_in, stranger)
    text = _find_chen(page)
    assert "陈晨" in text and RECORD_PHONE not in text
    assert RECORD_PHONE not in page.content()
    screenshot(page, "directory-stranger-mobile")

    # 5. The non-classmate asks to exchange cards; 陈晨 accepts.
    page.click("[data-list=directory] li a:has-text('陈晨')")
    page.fill("[data-card-exchange] input[name=message]", "校友你好")
    page.click("[data-action=request-card]")
    page.locator("[data-card-pending]").wait_for()
    exchange = CardExchange.objects.get(requester=stranger, recipient=newcomer)

    _as(page, sign_in, newcomer)
    page.goto("/me/")
    page.click("[data-entry=directory_cards] a")
    page.wait_for_url(re.compile(r"/alumni/cards/$"))
    assert "赵敏" in page.locator("[data-section=incoming]").inner_text()
    page.click("[data-action=accept-card]")
    page.locator("[data-section=exchanged] [data-action=download-vcard]").wait_for()
    screenshot(page, "directory-cards-mobile")
    exchange.refresh_from_db()
    assert exchange.status == "accepted"

    # 6. Both download each other's vCard, valid 4.0 with the shared fields.
    with page.expect_download() as download:
        page.click("[data-section=exchanged] [data-action=download-vcard]")
    saved = tmp_path / "zhao.vcf"
    download.value.save_as(saved)
    card = parse(saved.read_bytes().decode("utf-8"))
    assert text_value(card, "FN") == "赵敏" and card["TEL"][0][1] == "tel:13700137003"

    _as(page, sign_in, stranger)
    page.goto(f"/alumni/{record.pk}/")
    assert RECORD_PHONE in page.locator("[data-entry]").first.inner_text()
    with page.expect_download() as download:
        page.click("[data-action=download-vcard]")
    saved = tmp_path / "chen.vcf"
    download.value.save_as(saved)
    card = parse(saved.read_bytes().decode("utf-8"))
    assert text_value(card, "FN") == "陈晨" and card["TEL"][0][1] == f"tel:{RECORD_PHONE}"
    assert text_value(card, "ORG") == "腾讯"
