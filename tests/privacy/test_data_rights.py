"""Download my data (each section, nothing of another person, Excel readable and formula-safe)
and delete my account (anonymized, archive record kept, audited, irreversible)."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    AlumniRecordFactory,
    MembershipFactory,
    NotificationFactory,
    RecordChangeFactory,
    UserFactory,
)
from xiaoyou.core.models import AuditEntry, Job, Notification
from xiaoyou.core.registry import personal_data_exporters
from xiaoyou.privacy import erasure, exports, services
from xiaoyou.privacy.models import Consent, DataExport, Erasure

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def person(org_tree, policy):
    from xiaoyou.community.models import BoardMessage, HelpPost

    user = UserFactory(display_name="王小明", phone="+8613811112222", email="wxm@example.com")
    user.set_password(PASSWORD)
    user.save()
    services.policy_accept(actor=user, policy=policy)
    record = AlumniRecordFactory(
        org=org_tree.root, user=user, name="王小明", phone="+8613811112222", city="上海"
    )
    RecordChangeFactory(record=record, field="city", old_value="", new_value="上海", source="self")
    RecordChangeFactory(
        record=record, field="name", old_value="", new_value="王小明", source="admin"
    )
    MembershipFactory(org=org_tree.root, user=user, name="王小明", phone=user.phone)
    NotificationFactory(user=user, title='=HYPERLINK("http://evil")')
    BoardMessage.objects.create(org=org_tree.root, author=user, title="你好", body="留言正文")
    HelpPost.objects.create(
        org=org_tree.root, author=user, kind="request", category="career",
        title="求职", body="内容", contact="微信 wxm",
    )  # fmt: skip
    return user


def test_export_has_every_section_and_nothing_of_another_person(person, org_tree):
    other = UserFactory(display_name="别人", email="other@example.com")
    AlumniRecordFactory(org=org_tree.root, user=other, name="别人")
    NotificationFactory(user=other, title="别人的通知")
    document = exports.personal_data(person)
    sections = document["sections"]
    assert set(sections) == set(personal_data_exporters.items)
    assert sections["profile"]["rows"][0]["email"] == "wxm@example.com"
    assert sections["alumni_record"]["rows"][0]["name"] == "王小明"
    assert {row["field"] for row in sections["alumni_history"]["rows"]} == {"city", "name"}
    assert sections["memberships"]["rows"][0]["org__name"] == org_tree.root.name
    assert len(sections["notifications"]["rows"]) == 1
    assert {row["type"] for row in sections["community_posts"]["rows"]} == {
        "board_message", "help_post",
    }  # fmt: skip
    assert sections["consents"]["rows"][0]["purpose"] == "account"
    text = exports.json_bytes(document).decode()
    assert "别人" not in text and "other@example.com" not in text


def test_export_files_download_for_the_owner_only_and_excel_is_safe(client, person):
    client.force_login(person)
    assert client.post(reverse("hall:privacy_export")).status_code == 302
    export = DataExport.objects.get(user=person)
    assert export.status == "ready" and export.job_id is None
    response = client.get(reverse("hall:privacy_export_download", args=[export.token, "json"]))
    data = json.loads(b"".join(response.streaming_content))
    assert data["user_id"] == person.pk
    response = client.get(reverse("hall:privacy_export_download", args=[export.token, "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == len(personal_data_exporters.items)
    cells = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    downloads = AuditEntry.objects.filter(action="privacy.export_download", actor_id=person.pk)
    assert downloads.count() == 2
    client.force_login(UserFactory())
    url = reverse("hall:privacy_export_download", args=[export.token, "json"])
    assert client.get(url).status_code == 404


def test_a_big_account_is_exported_by_a_background_job(
    person, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_SYNC_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.export_request(actor=person)
    assert export.status == "pending"
    export.refresh_from_db()
    # Tests run Celery eagerly: the job ran once the transaction committed.
    job = Job.objects.get(pk=export.job_id)
    assert job.kind == "privacy.export" and job.status == "succeeded"
    assert export.status == "ready" and export.json_file


def test_deleting_anonymizes_the_account_and_keeps_the_archive_record(client, person, org_tree):
    from xiaoyou.alumni.models import AlumniRecord, RecordChange
    from xiaoyou.community.models import BoardMessage, HelpPost
    from xiaoyou.organizations.models import Membership

    record = AlumniRecord.objects.get(user=person)
    client.force_login(person)
    page = client.get(reverse("hall:privacy_delete"))
    assert page.status_code == 200 and page.context["has_record"] is True
    wrong = client.post(reverse("hall:privacy_delete"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    response = client.post(reverse("hall:privacy_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response["Location"] == reverse("hall:privacy_deleted")

    person.refresh_from_db()
    assert person.display_name == erasure.ANONYMOUS_NAME
    assert (person.email, person.phone, person.is_active) == ("", None, False)
    assert not person.has_usable_password()
    assert authenticate(username=person.username, password=PASSWORD) is None
    assert not Notification.objects.filter(user=person).exists()
    record.refresh_from_db()
    assert record.user_id is None and record.name == "王小明"
    assert record.city == ""  # typed by the alumnus: removed
    city_history = RecordChange.objects.filter(record=record, field="city")
    assert "上海" not in str(list(city_history.values_list("old_value", "new_value")))
    membership = Membership.objects.get(user=person)
    assert (membership.status, membership.name, membership.phone) == ("left", "已注销用户", "")
    assert BoardMessage.objects.filter(author=person).count() == 1
    assert HelpPost.objects.get(author=person).contact == ""
    assert not Consent.objects.filter(user=person, withdrawn_at__isnull=True).exists()
    log = Erasure.objects.get(user=person)
    assert log.reauthenticated_by == "password" and log.kept["alumni_record"] == record.pk
    assert AuditEntry.objects.filter(action="privacy.account_delete", object_id=str(person.pk))
    # Signed out, and the old session is gone.
    assert client.get(reverse("hall:privacy")).status_code == 302


def test_the_school_may_keep_self_provided_contacts(person, settings):
    from xiaoyou.alumni.models import AlumniRecord

    settings.PRIVACY_KEEP_SELF_PROVIDED_CONTACTS = True
    record = AlumniRecord.objects.get(user=person)
    erasure.account_delete(actor=person, reauthenticated_by="password")
    record.refresh_from_db()
    assert record.city == "上海" and record.user_id is None


def test_a_phone_only_account_confirms_with_a_texted_code(client, org_tree, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    user = UserFactory(phone="+8613922223333", password="!unusable")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    refused = client.post(reverse("hall:privacy_delete"), {"code": "123456", "confirm": "on"})
    assert "code" in refused.context["form"].errors
    client.post(reverse("hall:privacy_delete_code"))
    sent = json.loads((tmp_path / "sms.jsonl").read_text().splitlines()[-1])
    response = client.post(
        reverse("hall:privacy_delete"), {"code": sent["params"]["code"], "confirm": "on"}
    )
    assert response.status_code == 302
    assert Erasure.objects.get(user=user).reauthenticated_by == "sms"
