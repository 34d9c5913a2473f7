"""The shared audience resolver (messaging/audiences.py) as the email half uses it."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from tests.donations.factories import ProjectFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import AlumniRecordFactory, MembershipFactory, UserFactory
from xiaoyou.alumni.models import SavedSearch
from xiaoyou.core.errors import ApplicationError
from xiaoyou.messaging.audience_uploads import UploadInvalid, upload_parse, upload_report_path
from xiaoyou.messaging.audiences import audience_count, audience_recipients
from xiaoyou.messaging.models import Suppression


def _emails(**kwargs):
    return sorted(r.email for r in audience_recipients(channel="email", **kwargs))


@pytest.mark.django_db
def test_saved_search_dedupes_and_excludes_deceased_and_suppressed(org_tree, platform_admin):
    AlumniRecordFactory(org=org_tree.root, name="王芳", email="Wang@Example.com")
    AlumniRecordFactory(org=org_tree.root, name="王芳", email="wang@example.com")  # duplicate
    AlumniRecordFactory(org=org_tree.root, name="故人", email="gone@example.com", status="deceased")
    AlumniRecordFactory(org=org_tree.root, name="退订", email="out@example.com")
    AlumniRecordFactory(org=org_tree.root, name="无邮箱", email="")
    Suppression.objects.create(email="out@example.com", reason="unsubscribed")
    saved = SavedSearch.objects.create(org=org_tree.root, owner=platform_admin, name="全部")
    params = {"saved_search": saved.pk}
    recipients = list(
        audience_recipients(
            actor=platform_admin,
            org=org_tree.root,
            kind="saved_search",
            params=params,
            channel="email",
        )
    )
    assert [r.email for r in recipients] == ["wang@example.com"]
    assert recipients[0].context["name"] == "王芳"
    assert recipients[0].context["class_year"] == "2010"
    assert recipients[0].context["org"] == org_tree.root.name
    assert (
        audience_count(
            actor=platform_admin,
            org=org_tree.root,
            kind="saved_search",
            params=params,
            channel="email",
        )
        == 1
    )


@pytest.mark.django_db
def test_org_members_and_other_college_refused(org_tree, college_admin):
    MembershipFactory(org=org_tree.college, user=UserFactory(email="a@example.com"))
    MembershipFactory(org=org_tree.college, user=UserFactory(email="b@example.com"), status="left")
    assert _emails(actor=college_admin, org=org_tree.college, kind="org_members", params={}) == [
        "a@example.com"
    ]
    with pytest.raises(ApplicationError):
        list(
            audience_recipients(
                actor=college_admin,
                org=org_tree.college,
                kind="org_members",
                params={"org": org_tree.other_college.pk},
                channel="email",
            )
        )
    with pytest.raises(PermissionDenied):
        list(
            audience_recipients(
                actor=college_admin,
                org=org_tree.other_college,
                kind="org_members",
                params={},
                channel="email",
            )
        )


@pytest.mark.django_db
def test_event_registrants_confirmed_only(org_tree, college_admin):
    event = EventFactory(org=org_tree.college)
    RegistrationFactory(event=event, email="in@example.com")
    RegistrationFactory(event=event, email="no@example.com", status="cancelled")
    assert _emails(
        actor=college_admin,
        org=org_tree.college,
        kind="event_registrants",
        params={"event": event.pk},
    ) == ["in@example.com"]


@pytest.mark.django_db
def test_donors_paid_only(org_tree, college_admin):
    from xiaoyou.donations.models import Donation

    project = ProjectFactory(org=org_tree.college)
    for email, status in (("paid@example.com", "paid"), ("pending@example.com", "pending")):
        Donation.objects.create(
            project=project, donor_name="捐赠人", email=email, amount=1000, status=status
        )
    assert _emails(
        actor=college_admin, org=org_tree.college, kind="donors", params={"project": project.pk}
    ) == ["paid@example.com"]
    assert _emails(actor=college_admin, org=org_tree.college, kind="donors", params={}) == [
        "paid@example.com"
    ]


@pytest.mark.django_db
def test_upload_csv_with_header_and_all_or_nothing(org_tree, college_admin):
    good = io.BytesIO(
        "姓名,邮箱\n张三,zhang@example.com\n李四,LI@example.com\n张三,zhang@example.com\n".encode()
    )
    good.name = "list.csv"
    recipients = upload_parse(good, "email")
    assert [(r.name, r.email) for r in recipients] == [
        ("张三", "zhang@example.com"),
        ("李四", "li@example.com"),
    ]
    bad = io.BytesIO("姓名,邮箱\n张三,zhang@example.com\n王五,not-an-address\n赵六,\n".encode())
    bad.name = "list.csv"
    with pytest.raises(UploadInvalid) as caught:
        upload_parse(bad, "email")
    assert caught.value.params == {"count": 2}
    path = upload_report_path(caught.value.report_name)
    with default_storage.open(path, "rb") as handle:
        rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [(3, "not-an-address"), (4, None)]


@pytest.mark.django_db
def test_upload_audience_leaves_out_deceased(org_tree, college_admin):
    AlumniRecordFactory(org=org_tree.root, email="gone@example.com", status="deceased")
    rows = [{"name": "甲", "email": "gone@example.com"}, {"name": "乙", "email": "ok@example.com"}]
    assert _emails(
        actor=college_admin, org=org_tree.college, kind="upload", params={"recipients": rows}
    ) == ["ok@example.com"]
