from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import activate

from tests.factories import AlumniRecordFactory
from xiaoyou.alumni import sensitive
from xiaoyou.alumni.models import AlumniRecord, RecordChange
from xiaoyou.alumni.services.records import record_update
from xiaoyou.core.models import AuditEntry

# A number with a valid GB 11643 check character (X), and one with a digit.
VALID_X = "11010519491231002X"
VALID_DIGIT = "440524188001010014"


@pytest.fixture(autouse=True)
def _english():
    activate("en")


def test_check_digit_validation():
    assert sensitive.national_id_check_char("11010519491231002") == "X"
    assert sensitive.validate_national_id(" 110105 19491231002x ") == VALID_X
    assert sensitive.validate_national_id(VALID_DIGIT) == VALID_DIGIT
    assert sensitive.validate_national_id("１１０１０５１９４９１２３１００２Ｘ") == VALID_X
    with pytest.raises(ValidationError) as wrong_check:
        sensitive.validate_national_id("110105194912310021")
    assert wrong_check.value.messages == ["The national ID number's check digit is wrong."]
    with pytest.raises(ValidationError) as short:
        sensitive.validate_national_id("11010519491231")
    assert short.value.code == "national_id_format"
    with pytest.raises(ValidationError):
        sensitive.validate_national_id("1101051949123100AX")


def test_encryption_round_trip_and_hash_normalized():
    token = sensitive.encrypt(VALID_X)
    assert VALID_X not in token
    assert sensitive.decrypt(token) == VALID_X
    assert sensitive.decrypt("not-a-token") == ""
    assert sensitive.national_id_hash(VALID_X) == sensitive.national_id_hash("110105 19491231002x")
    assert len(sensitive.national_id_hash(VALID_X)) == 64
    assert sensitive.national_id_hash(VALID_X) != sensitive.national_id_hash(VALID_DIGIT)


def test_no_clear_text_in_the_database_history_or_audit(org_tree, platform_admin):
    record = AlumniRecordFactory(org=org_tree.root)
    record_update(actor=platform_admin, record=record, changes={"national_id": VALID_X.lower()})
    record.refresh_from_db()
    assert record.national_id_last4 == "002X"
    assert record.national_id_hash == sensitive.national_id_hash(VALID_X)
    assert sensitive.decrypt(record.national_id_encrypted) == VALID_X
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM alumni_alumnirecord WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    assert all(VALID_X not in str(value) for value in row)
    change = RecordChange.objects.get(record=record, field="national_id")
    assert (change.old_value, change.new_value) == ("", "******")
    entry = AuditEntry.objects.filter(action="alumni_record.change").latest("id")
    assert entry.changes == {"national_id": ["", "******"]}
    assert VALID_X not in str(AuditEntry.objects.values_list("changes", flat=True)[::1])


def test_invalid_number_is_refused_with_a_field_error(org_tree, platform_admin):
    record = AlumniRecordFactory(org=org_tree.root)
    with pytest.raises(ValidationError) as error:
        record_update(
            actor=platform_admin, record=record, changes={"national_id": "110105194912310021"}
        )
    assert error.value.message_dict == {
        "national_id": ["The national ID number's check digit is wrong."]
    }
    assert AlumniRecord.objects.get(pk=record.pk).national_id_hash == ""


def test_masking_and_audited_reveal(org_tree, platform_admin, college_admin):
    record = AlumniRecordFactory(org=org_tree.root)
    record_update(actor=platform_admin, record=record, changes={"national_id": VALID_X})
    record.refresh_from_db()
    assert sensitive.masked_national_id(record) == "**************002X"
    assert sensitive.national_id_display(college_admin, record) == "**************002X"
    assert sensitive.can_view_sensitive(platform_admin)
    assert not sensitive.can_view_sensitive(college_admin)
    with pytest.raises(PermissionDenied):
        sensitive.national_id_reveal(actor=college_admin, record=record)
    before = AuditEntry.objects.filter(action="alumni_record.reveal_national_id").count()
    assert sensitive.national_id_reveal(actor=platform_admin, record=record) == VALID_X
    entry = AuditEntry.objects.filter(action="alumni_record.reveal_national_id").latest("id")
    assert before == 0
    assert entry.actor_id == platform_admin.pk
    assert entry.object_id == str(record.pk)
    assert entry.changes == {"national_id": ["", "******"]}


def test_system_check_refuses_a_malformed_key(settings):
    assert sensitive.check_field_encryption_key() == []
    settings.FIELD_ENCRYPTION_KEY = "change-me"
    errors = sensitive.check_field_encryption_key()
    assert [error.id for error in errors] == ["alumni.E001"]
