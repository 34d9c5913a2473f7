"""The alumni `profile_completed` hook: sent once a self-service update completes the record,
and the shop's points for it awarded once per record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AlumniRecordFactory
from tests.shop.factories import PointsRuleFactory
from xiaoyou.alumni.hooks import PROFILE_COMPLETE_FIELDS, profile_completed, profile_is_complete
from xiaoyou.alumni.models import RecordSource
from xiaoyou.alumni.services.records import record_update
from xiaoyou.shop.models import PointsEntry
from xiaoyou.shop.services import points

COMPLETE = {
    "phone": "13900000002",
    "email": "zhangwei@example.com",
    "city": "北京",
    "employer": "新公司",
    "position": "工程师",
    "industry": "互联网",
}


@pytest.fixture
def sent():
    """The records `profile_completed` was delivered for, in order."""
    delivered: list[int] = []

    def recorder(record) -> None:
        delivered.append(record.pk)

    profile_completed.subscribe(recorder)
    yield delivered
    profile_completed.unsubscribe(recorder)


def _balance(user) -> int:
    return sum(PointsEntry.objects.filter(account__user=user).values_list("points", flat=True))


def test_complete_means_linked_and_every_field_filled(org_tree, verified_alumnus):
    assert set(PROFILE_COMPLETE_FIELDS) == set(COMPLETE)
    record = AlumniRecordFactory(org=org_tree.root, user=verified_alumnus, **COMPLETE)
    assert profile_is_complete(record)
    record.position = "  "
    assert not profile_is_complete(record)
    unlinked = AlumniRecordFactory(org=org_tree.root, **COMPLETE)
    assert not profile_is_complete(unlinked)


def test_the_shop_subscribes():
    assert points.on_profile_completed in profile_completed.subscribers


def test_completing_the_profile_on_the_hall_page_awards_points_once(
    client, org_tree, verified_alumnus, sent, django_capture_on_commit_callbacks
):
    PointsRuleFactory(org=org_tree.root, action="profile_completed", points=40)
    record = AlumniRecordFactory(
        org=org_tree.college, user=verified_alumnus, phone="13800000001", employer="旧公司"
    )
    client.force_login(verified_alumnus)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hall:alumni_my_profile"), COMPLETE)
    assert response.status_code == 302
    entry = PointsEntry.objects.get(account__user=verified_alumnus)
    assert (entry.points, entry.balance_after) == (40, 40)
    assert entry.source.endswith(f":alumni_record:{record.pk}")
    assert sent == [record.pk]

    # Editing the complete profile again earns nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("hall:alumni_my_profile"), {**COMPLETE, "city": "上海"})
    assert again.status_code == 302
    assert sent == [record.pk]  # already complete: not sent again
    # Clearing a field and filling it in again sends the hook again; the ledger stays at one.
    for data in ({**COMPLETE, "industry": ""}, COMPLETE):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("hall:alumni_my_profile"), data).status_code == 302
    assert sent == [record.pk, record.pk]
    assert _balance(verified_alumnus) == 40
    assert PointsEntry.objects.filter(account__user=verified_alumnus).count() == 1


def test_an_incomplete_profile_awards_nothing(
    client, org_tree, verified_alumnus, sent, django_capture_on_commit_callbacks
):
    PointsRuleFactory(org=org_tree.root, action="profile_completed", points=40)
    AlumniRecordFactory(org=org_tree.root, user=verified_alumnus)
    client.force_login(verified_alumnus)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hall:alumni_my_profile"), {**COMPLETE, "position": ""})
    assert response.status_code == 302
    assert sent == []
    assert not PointsEntry.objects.filter(account__user=verified_alumnus).exists()


def test_staff_filling_the_record_sends_nothing(
    org_tree, platform_admin, verified_alumnus, sent, django_capture_on_commit_callbacks
):
    PointsRuleFactory(org=org_tree.root, action="profile_completed", points=40)
    record = AlumniRecordFactory(org=org_tree.root, user=verified_alumnus)
    with django_capture_on_commit_callbacks(execute=True):
        record_update(
            actor=platform_admin, record=record, changes=COMPLETE, source=RecordSource.ADMIN
        )
    assert sent == []
    assert not PointsEntry.objects.filter(account__user=verified_alumnus).exists()
