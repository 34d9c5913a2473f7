"""Membership services: joining through each approval mode, the join form's rules, the implied
membership of the main association, re-editing, leaving, removal and bans, imports, groups, SMS
invitations (with the balance under concurrency) and recommendations."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.utils import timezone

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    InvitationFactory,
    MemberGroupFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.messaging.sms_support import give_sms, sms_allocation
from tests.organizations.membership_support import (  # noqa: F401 - fixtures by name
    GOOD_ANSWERS,
    clean_cache_fixture,
    english_fixture,
    media_fixture,
    pdf,
    set_join_rules,
    sms_outbox_fixture,
)
from xiaoyou.core import reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Job, JobStatus, Notification, ReviewItem, ReviewStatus
from xiaoyou.messaging import errors_sms
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinRequest,
    JoinRequestFile,
    JoinRequestStatus,
    MemberGroup,
    Membership,
    MembershipSource,
    MembershipStatus,
    OrganizationKind,
    OrgRole,
    Role,
    Visibility,
)
from xiaoyou.organizations.services import (
    ImportRow,
    JoinFormInvalid,
    MemberImportInvalid,
    join_request_submit,
    member_ban,
    member_group_create,
    member_group_delete,
    member_group_rename,
    member_import,
    member_info_update,
    member_remove,
    members_assign_group,
    members_invite_by_sms,
    members_unassign_group,
    membership_leave,
    role_revoke,
)
from xiaoyou.organizations.services.importing import import_error_report
from xiaoyou.organizations.services.sms_invites import invite_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "clean_cache")]


def _nothing_written() -> tuple[int, int, int, int]:
    return (
        JoinRequest.objects.count(),
        ReviewItem.objects.count(),
        Membership.objects.count(),
        JoinRequestFile.objects.count(),
    )


def _decide(join_request: JoinRequest, actor, *, approved: bool, reason: str = ""):
    item = ReviewItem.objects.get(object_id=str(join_request.pk), kind="organizations.join")
    return reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)


@pytest.fixture
def applicant(db):
    return UserFactory(display_name="李雷", language="en")


# --- The join form -----------------------------------------------------------------------------


def test_missing_required_fields_give_one_message_each_and_change_nothing(org_tree, applicant):
    set_join_rules(org_tree.college)
    with pytest.raises(JoinFormInvalid) as raised:
        join_request_submit(actor=applicant, org=org_tree.college, answers={}, files={})
    assert raised.value.code == "join_form_invalid"
    assert raised.value.status == 400
    assert raised.value.text() == "Please correct the errors in the join form."
    assert raised.value.field_errors == {
        "name": ["This field is required."],
        "graduation_year": ["This field is required."],
        "degree": ["This field is required."],
    }
    assert _nothing_written() == (0, 0, 0, 0)


def test_types_choices_dates_and_files_are_checked(org_tree, applicant, media):
    set_join_rules(org_tree.college)
    answers = {
        "name": "李雷",
        "graduation_year": "二〇一二",
        "degree": "大专",
        "interests": ["羽毛球", "打牌"],
        "birthday": "1990-02-30",
    }
    with pytest.raises(JoinFormInvalid) as raised:
        join_request_submit(
            actor=applicant,
            org=org_tree.college,
            answers=answers,
            files={"diploma": pdf("diploma.exe")},
        )
    assert raised.value.field_errors == {
        "graduation_year": ["Enter a number."],
        "degree": ["Select a valid choice. 大专 is not one of the available choices."],
        "interests": ["Select a valid choice. 打牌 is not one of the available choices."],
        "birthday": ["Enter a valid date."],
        "diploma": ["This type of file is not accepted. Allowed: pdf, jpg."],
    }
    with pytest.raises(JoinFormInvalid) as raised:
        join_request_submit(
            actor=applicant,
            org=org_tree.college,
            answers=GOOD_ANSWERS,
            files={"diploma": pdf(size=1024 * 1024 + 1)},
        )
    assert raised.value.field_errors == {"diploma": ["The file is too large (at most 1 MB)."]}
    assert _nothing_written() == (0, 0, 0, 0)


def test_valid_answers_are_stored_json_safe_with_the_file(org_tree, applicant, media):
    set_join_rules(org_tree.college)
    join_request = join_request_submit(
        actor=applicant,
        org=org_tree.college,
        answers={**GOOD_ANSWERS, "interests": ["徒步"], "birthday": "1990-02-03", "extra": "x"},
        files={"diploma": pdf()},
        message="  2008 级  ",
    )
    stored = JoinRequestFile.objects.get()
    assert join_request.answers == {
        "name": "李雷",
        "graduation_year": 2012,
        "degree": "本科",
        "interests": ["徒步"],
        "birthday": "1990-02-03",
        "diploma": {"file_id": stored.pk, "name": "毕业证.pdf"},
    }
    assert (stored.field_key, stored.size, stored.request_id) == ("diploma", 100, join_request.pk)
    assert stored.file.read() == pdf().read()
    assert join_request.message == "2008 级"


# --- Refusals --------------------------------------------------------------------------------


def test_a_duplicate_request_is_refused_with_a_clear_message(org_tree, applicant):
    join_request_submit(actor=applicant, org=org_tree.college, answers={})
    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=applicant, org=org_tree.college, answers={})
    assert (raised.value.code, raised.value.status) == ("join_request_pending", 409)
    assert raised.value.text() == "Your request to join is already waiting for review."
    assert JoinRequest.objects.count() == 1
    assert ReviewItem.objects.count() == 1


def test_archived_private_and_members_are_refused(org_tree, applicant, verified_alumnus):
    org_tree.club.archived_at = timezone.now()
    org_tree.club.save(update_fields=["archived_at"])
    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=applicant, org=org_tree.club, answers={})
    assert raised.value.code == "organization_archived"
    assert raised.value.text() == "This organization is archived and takes no new members."

    org_tree.regional.visibility = Visibility.PRIVATE
    org_tree.regional.save(update_fields=["visibility"])
    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=applicant, org=org_tree.regional, answers={})
    assert (raised.value.code, raised.value.status) == ("invitation_required", 403)

    with pytest.raises(ApplicationError) as raised:
        join_request_submit(actor=verified_alumnus, org=org_tree.college, answers={})
    assert (raised.value.code, raised.value.status) == ("already_member", 409)
    assert _nothing_written() == (0, 0, 0, 0)


def test_a_valid_invitation_opens_a_private_org_and_joins_at_once(org_tree, applicant):
    org_tree.regional.visibility = Visibility.PRIVATE
    org_tree.regional.save(update_fields=["visibility"])
    invitation = InvitationFactory(org=org_tree.regional)
    join_request = join_request_submit(
        actor=applicant, org=org_tree.regional, answers={}, invitation=invitation
    )
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.invitation == invitation
    membership = Membership.objects.get(org=org_tree.regional, user=applicant)
    assert membership.source == MembershipSource.INVITATION
    # Another organization's invitation opens nothing.
    other = InvitationFactory(org=org_tree.college)
    org_tree.other_college.visibility = Visibility.PRIVATE
    org_tree.other_college.save(update_fields=["visibility"])
    with pytest.raises(ApplicationError):
        join_request_submit(
            actor=applicant, org=org_tree.other_college, answers={}, invitation=other
        )
    assert not Membership.objects.filter(org=org_tree.other_college).exists()


# --- Approval modes ------------------------------------------------------------------------------


def test_automatic_mode_makes_a_member_at_once(org_tree, applicant):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request = join_request_submit(actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS)
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decided_at is not None
    assert not ReviewItem.objects.exists()
    membership = Membership.objects.get(org=org_tree.college, user=applicant)
    assert (membership.status, membership.source, membership.answers["name"]) == (
        MembershipStatus.ACTIVE,
        MembershipSource.APPLICATION,
        "李雷",
    )
    assert (membership.name, membership.phone) == ("李雷", applicant.phone)
    assert OrgRole.objects.filter(user=applicant, org=org_tree.college, role=Role.MEMBER).exists()


def test_manual_mode_waits_for_review_then_approval_makes_a_member(
    org_tree, applicant, college_admin
):
    set_join_rules(org_tree.college, mode=ApprovalMode.MANUAL)
    join_request = join_request_submit(actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS)
    assert join_request.status == JoinRequestStatus.PENDING
    assert not Membership.objects.exists()
    item = ReviewItem.objects.get()
    assert (item.kind, item.org, item.submitter) == (
        "organizations.join",
        org_tree.college,
        applicant,
    )
    _decide(join_request, college_admin, approved=True, reason="欢迎")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decision_reason == "欢迎"
    assert join_request.decided_at is not None
    membership = Membership.objects.get(org=org_tree.college, user=applicant)
    assert membership.answers == {"name": "李雷", "graduation_year": 2012, "degree": "本科"}
    note = Notification.objects.get(user=applicant)
    assert (note.kind, note.title) == ("organizations.join_decided", "Welcome to 计算机学院校友会")
    assert note.url == f"/orgs/{org_tree.college.pk}/"


def test_rejection_keeps_the_reason_and_tells_the_applicant(org_tree, applicant, college_admin):
    join_request = join_request_submit(actor=applicant, org=org_tree.college, answers={})
    _decide(join_request, college_admin, approved=False, reason="非本院校友")
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decision_reason) == (
        JoinRequestStatus.REJECTED,
        "非本院校友",
    )
    assert not Membership.objects.exists()
    note = Notification.objects.get(user=applicant)
    assert note.body.splitlines() == [
        "Your request to join 计算机学院校友会 was declined.",
        "Reason: 非本院校友",
    ]
    # A rejected person may ask again.
    again = join_request_submit(actor=applicant, org=org_tree.college, answers={})
    assert again.status == JoinRequestStatus.PENDING


def test_matched_mode_joins_the_matched_and_reviews_the_others(org_tree, college_admin):
    set_join_rules(org_tree.college, mode=ApprovalMode.MATCHED)
    record = AlumniRecordFactory(org=org_tree.root, name="韩梅梅", graduation_year=2012)
    matched = UserFactory(display_name="韩梅梅")
    join_request = join_request_submit(
        actor=matched, org=org_tree.college, answers={**GOOD_ANSWERS, "name": "韩梅梅"}
    )
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.matched_record == record
    membership = Membership.objects.get(org=org_tree.college, user=matched)
    assert membership.alumni_record == record
    assert not ReviewItem.objects.exists()

    stranger = UserFactory(display_name="王五")
    pending = join_request_submit(
        actor=stranger, org=org_tree.college, answers={**GOOD_ANSWERS, "name": "王五"}
    )
    assert pending.status == JoinRequestStatus.PENDING
    assert pending.matched_record is None
    assert ReviewItem.objects.get().object_id == str(pending.pk)
    assert not Membership.objects.filter(user=stranger).exists()


# --- The main association ----------------------------------------------------------------------


def test_a_member_of_a_sub_organization_is_a_member_of_the_main_association(org_tree, applicant):
    set_join_rules(org_tree.club, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=applicant, org=org_tree.club, answers={})
    rows = dict(Membership.objects.filter(user=applicant).values_list("org_id", "source"))
    # The club and the main association; the college between them is not implied.
    assert rows == {
        org_tree.club.pk: MembershipSource.APPLICATION,
        org_tree.root.pk: MembershipSource.IMPLIED,
    }
    assert set(
        OrgRole.objects.filter(user=applicant, role=Role.MEMBER).values_list("org_id", flat=True)
    ) == {org_tree.club.pk, org_tree.root.pk}
    # Joining another sub-organization keeps the one main membership.
    set_join_rules(org_tree.regional, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=applicant, org=org_tree.regional, answers={})
    assert Membership.objects.filter(user=applicant, org=org_tree.root).count() == 1


def test_leaving_the_main_association_leaves_every_organization(org_tree, applicant):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=applicant, org=org_tree.college, answers={})
    ended = membership_leave(actor=applicant, org=org_tree.root)
    assert {membership.org_id for membership in ended} == {org_tree.root.pk, org_tree.college.pk}
    assert set(Membership.objects.filter(user=applicant).values_list("status", flat=True)) == {
        MembershipStatus.LEFT
    }
    assert not OrgRole.objects.filter(user=applicant).exists()
    assert list(
        AuditEntry.objects.filter(action="role.revoke", actor=applicant)
        .values_list("org_id", flat=True)
        .order_by("org_id")
    ) == sorted([org_tree.root.pk, org_tree.college.pk])
    with pytest.raises(ApplicationError) as raised:
        membership_leave(actor=applicant, org=org_tree.root)
    assert raised.value.code == "not_a_member"


def test_leaving_a_sub_organization_keeps_the_main_membership(org_tree, applicant):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=applicant, org=org_tree.college, answers={})
    membership_leave(actor=applicant, org=org_tree.college)
    assert dict(Membership.objects.filter(user=applicant).values_list("org_id", "status")) == {
        org_tree.college.pk: MembershipStatus.LEFT,
        org_tree.root.pk: MembershipStatus.ACTIVE,
    }
    # Joining again re-activates the same row.
    join_request_submit(actor=applicant, org=org_tree.college, answers={})
    assert Membership.objects.get(user=applicant, org=org_tree.college).status == "active"
    assert Membership.objects.filter(user=applicant).count() == 2


# --- Re-editing my information -----------------------------------------------------------------


def test_a_reviewed_org_reviews_changes_and_keeps_the_old_answers_meanwhile(
    org_tree, applicant, college_admin
):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request_submit(actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS)
    set_join_rules(org_tree.college, mode=ApprovalMode.MANUAL)
    update = member_info_update(
        actor=applicant, org=org_tree.college, answers={**GOOD_ANSWERS, "degree": "硕士"}
    )
    assert (update.is_update, update.status) == (True, JoinRequestStatus.PENDING)
    membership = Membership.objects.get(org=org_tree.college, user=applicant)
    assert membership.answers["degree"] == "本科"
    with pytest.raises(ApplicationError) as raised:
        member_info_update(actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS)
    assert (raised.value.code, raised.value.status) == ("member_update_pending", 409)
    _decide(update, college_admin, approved=True)
    membership.refresh_from_db()
    assert membership.answers["degree"] == "硕士"
    entry = AuditEntry.objects.get(action="membership.update_info")
    assert entry.changes["answers"][0]["degree"] == "本科"
    assert entry.changes["answers"][1]["degree"] == "硕士"
    note = Notification.objects.filter(user=applicant).order_by("-id").first()
    assert note.title == "计算机学院校友会: your information was updated"


def test_a_rejected_change_leaves_the_information_as_it_was(org_tree, applicant, college_admin):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request_submit(actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS)
    set_join_rules(org_tree.college, mode=ApprovalMode.MATCHED)
    update = member_info_update(
        actor=applicant, org=org_tree.college, answers={**GOOD_ANSWERS, "name": "李雷雷"}
    )
    _decide(update, college_admin, approved=False, reason="姓名与档案不符")
    assert Membership.objects.get(org=org_tree.college, user=applicant).answers["name"] == "李雷"


def test_an_unreviewed_org_applies_changes_at_once_and_keeps_history(org_tree, applicant, media):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request_submit(
        actor=applicant, org=org_tree.college, answers=GOOD_ANSWERS, files={"diploma": pdf()}
    )
    before = Membership.objects.get(org=org_tree.college, user=applicant).answers
    update = member_info_update(
        actor=applicant, org=org_tree.college, answers={**GOOD_ANSWERS, "intro": "你好"}
    )
    assert update.status == JoinRequestStatus.APPROVED
    after = Membership.objects.get(org=org_tree.college, user=applicant).answers
    # The file given at joining stays when no new one is uploaded.
    assert after == {**before, "intro": "你好"}
    entry = AuditEntry.objects.get(action="membership.update_info")
    assert entry.changes == {"answers": [before, after]}
    assert entry.actor_id == applicant.pk


def test_only_members_re_edit(org_tree, applicant):
    with pytest.raises(ApplicationError) as raised:
        member_info_update(actor=applicant, org=org_tree.college, answers={})
    assert (raised.value.code, raised.value.status) == ("not_a_member", 403)


# --- Removal and bans --------------------------------------------------------------------------


@pytest.fixture
def member_of_college(org_tree, applicant):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC, form=[])
    set_join_rules(org_tree.club, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=applicant, org=org_tree.college, answers={})
    join_request_submit(actor=applicant, org=org_tree.club, answers={})
    return Membership.objects.get(org=org_tree.college, user=applicant)


def test_removal_needs_a_reason_and_an_admin_of_the_org(
    org_tree, applicant, member_of_college, college_admin, regional_admin
):
    with pytest.raises(ApplicationError) as raised:
        member_remove(actor=college_admin, membership=member_of_college, reason="  ")
    assert raised.value.text() == "Please give a reason."
    with pytest.raises(PermissionDenied):
        member_remove(actor=regional_admin, membership=member_of_college, reason="不在本地")
    assert Membership.objects.get(pk=member_of_college.pk).status == MembershipStatus.ACTIVE

    member_remove(actor=college_admin, membership=member_of_college, reason="长期失联")
    statuses = dict(Membership.objects.filter(user=applicant).values_list("org_id", "status"))
    assert statuses == {
        org_tree.college.pk: MembershipStatus.REMOVED,
        org_tree.club.pk: MembershipStatus.REMOVED,
        org_tree.root.pk: MembershipStatus.ACTIVE,
    }
    assert set(OrgRole.objects.filter(user=applicant).values_list("org_id", flat=True)) == {
        org_tree.root.pk
    }
    entry = AuditEntry.objects.get(action="membership.remove", org=org_tree.college)
    assert entry.changes == {"status": ["active", "removed"], "reason": [None, "长期失联"]}
    note = Notification.objects.get(user=applicant, kind="organizations.membership_ended")
    assert note.body.splitlines() == [
        "计算机学院校友会 removed you from its members.",
        "Reason: 长期失联",
    ]
    # Removed people may apply again.
    assert (
        join_request_submit(actor=applicant, org=org_tree.college, answers={}).status
        == JoinRequestStatus.APPROVED
    )


def test_a_banned_person_cannot_apply_again_anywhere_in_the_branch(
    org_tree, applicant, member_of_college, college_admin
):
    member_ban(actor=college_admin, membership=member_of_college, reason="违反章程")
    assert Membership.objects.get(pk=member_of_college.pk).status == MembershipStatus.BANNED
    for org in (org_tree.college, org_tree.club):
        with pytest.raises(ApplicationError) as raised:
            join_request_submit(actor=applicant, org=org, answers={})
        assert (raised.value.code, raised.value.status) == ("member_banned", 403)
        assert raised.value.text() == "You cannot join this organization."
    # Other branches stay open.
    assert join_request_submit(actor=applicant, org=org_tree.regional, answers={}).pk


def test_a_ban_closes_the_pending_requests_of_the_branch(org_tree, applicant, college_admin):
    join_request = join_request_submit(actor=applicant, org=org_tree.club, answers={})
    membership = MembershipFactory(org=org_tree.college, user=applicant)
    member_ban(actor=college_admin, membership=membership, reason="冒名")
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decision_reason) == ("rejected", "冒名")
    assert ReviewItem.objects.get().status == ReviewStatus.REJECTED
    assert reviews.pending_count_for(college_admin) == 0


def test_role_revoke_rules(org_tree, verified_alumnus, college_admin, regional_admin):
    with pytest.raises(PermissionDenied):
        role_revoke(
            actor=regional_admin, user=verified_alumnus, org=org_tree.college, role="member"
        )
    # Anyone may give up their own member role; admins revoke others'.
    assert role_revoke(
        actor=verified_alumnus, user=verified_alumnus, org=org_tree.college, role="member"
    )
    assert not role_revoke(
        actor=college_admin, user=verified_alumnus, org=org_tree.college, role="member"
    )
    with pytest.raises(PermissionDenied):
        role_revoke(actor=verified_alumnus, user=college_admin, org=org_tree.college, role="admin")


# --- Imports -------------------------------------------------------------------------------


def test_import_adds_people_without_accounts_and_links_them_when_they_join(org_tree, college_admin):
    record = AlumniRecordFactory(org=org_tree.college, student_id="2008001")
    created = member_import(
        actor=college_admin,
        org=org_tree.college,
        rows=[ImportRow("赵六", "138 0013 9001", "2008001"), ImportRow("钱七", "13800139002")],
    )
    assert [(m.name, m.phone, m.user_id, m.source, m.alumni_record_id) for m in created] == [
        ("赵六", "+8613800139001", None, "imported", record.pk),
        ("钱七", "+8613800139002", None, "imported", None),
    ]
    entry = AuditEntry.objects.get(action="membership.import")
    assert entry.changes["count"] == [None, 2]
    # The manual-review college: the imported person's account joins at once, same row.
    person = UserFactory(display_name="赵六", phone="+8613800139001", phone_verified=True)
    join_request = join_request_submit(actor=person, org=org_tree.college, answers={})
    assert join_request.status == JoinRequestStatus.APPROVED
    assert Membership.objects.filter(org=org_tree.college, phone="+8613800139001").count() == 1
    linked = Membership.objects.get(pk=created[0].pk)
    assert (linked.user, linked.source, linked.alumni_record) == (
        person,
        MembershipSource.IMPORTED,
        record,
    )
    # An unverified phone proves nothing: that person is reviewed like anyone.
    stranger = UserFactory(phone="+8613800139002", phone_verified=False)
    assert (
        join_request_submit(actor=stranger, org=org_tree.college, answers={}).status
        == JoinRequestStatus.PENDING
    )


def test_import_is_all_or_nothing_with_every_problem_listed(org_tree, college_admin):
    MembershipFactory(org=org_tree.college, user=UserFactory(phone="+8613800139010"))
    rows = [
        ImportRow("好人", "13800139011", line=2),
        ImportRow("", "13800139012", line=3),
        ImportRow("坏号", "12345", line=4),
        ImportRow("重复", "13800139011", line=5),
        ImportRow("已是会员", "13800139010", line=6),
        ImportRow("无档案", "13800139013", "NOPE", line=7),
    ]
    with pytest.raises(MemberImportInvalid) as raised:
        member_import(actor=college_admin, org=org_tree.college, rows=rows)
    assert raised.value.text() == "The import has errors: nothing was imported."
    assert [(p.line, p.column, p.value, p.message) for p in raised.value.problems] == [
        (3, "Name", "", "The name is missing."),
        (
            4,
            "Mobile phone",
            "12345",
            "Enter a valid mobile phone number, e.g. 13800138000 or +85291234567.",
        ),
        (5, "Mobile phone", "13800139011", "This number is also on row 2."),
        (6, "Mobile phone", "13800139010", "This person is already a member."),
        (7, "Student number", "NOPE", "No alumni record has this student number."),
    ]
    assert Membership.objects.filter(user__isnull=True).count() == 0
    assert not AuditEntry.objects.filter(action="membership.import").exists()

    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(import_error_report(raised.value.problems))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Row", "Column", "Value", "Problem"]
    assert values[1] == [3, "Name", None, "The name is missing."]
    assert len(values) == 6


def test_import_needs_an_admin_of_the_org(org_tree, regional_admin):
    with pytest.raises(PermissionDenied):
        member_import(
            actor=regional_admin, org=org_tree.college, rows=[ImportRow("甲", "13800139020")]
        )


# --- Groups ----------------------------------------------------------------------------------


def test_groups_create_rename_assign_unassign_delete(org_tree, college_admin, regional_admin):
    group = member_group_create(actor=college_admin, org=org_tree.college, name=" 2008  级 ")
    assert group.name == "2008 级"
    with pytest.raises(ApplicationError) as raised:
        member_group_create(actor=college_admin, org=org_tree.college, name="2008 级")
    assert (raised.value.code, raised.value.status) == ("member_group_name_taken", 409)
    with pytest.raises(PermissionDenied):
        member_group_create(actor=regional_admin, org=org_tree.college, name="外人")
    other = MemberGroupFactory(org=org_tree.college, name="理事会")
    with pytest.raises(ApplicationError):
        member_group_rename(actor=college_admin, group=group, name="理事会")
    assert MemberGroup.objects.get(pk=group.pk).name == "2008 级"
    member_group_rename(actor=college_admin, group=group, name="2008 届", description="毕业班")

    mine = [MembershipFactory(org=org_tree.college) for _ in range(3)]
    foreign = MembershipFactory(org=org_tree.club)
    assert members_assign_group(actor=college_admin, group=group, memberships=[*mine, foreign]) == 3
    assert members_assign_group(actor=college_admin, group=group, memberships=mine) == 0
    assert set(group.members.values_list("pk", flat=True)) == {m.pk for m in mine}
    with pytest.raises(PermissionDenied):
        members_assign_group(actor=regional_admin, group=group, memberships=mine)
    assert members_unassign_group(actor=college_admin, group=group, memberships=mine[:2]) == 2
    assert list(group.members.values_list("pk", flat=True)) == [mine[2].pk]
    member_group_delete(actor=college_admin, group=group)
    assert list(MemberGroup.objects.values_list("pk", flat=True)) == [other.pk]
    assert Membership.objects.filter(pk=mine[2].pk).exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="member_group.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "member_group.create",
        "member_group.rename",
        "member_group.assign",
        "member_group.unassign",
        "member_group.delete",
    ]


# --- SMS invitations --------------------------------------------------------------------------


def _per_message(org) -> int:
    """Segments of one join invitation text of `org` (the same for every recipient)."""
    from xiaoyou.messaging.sms_text import billed_segments
    from xiaoyou.organizations.services.sms_invites import invite_text, join_link

    return billed_segments(invite_text(org, "member_invitation", join_link(org)))


def test_sms_invitations_charge_the_allocation_and_skip_members(
    org_tree, college_admin, sms_outbox
):
    give_sms(org_tree.college, 10)
    per = _per_message(org_tree.college)
    member = UserFactory(phone="+8613800139030")
    MembershipFactory(org=org_tree.college, user=member)
    record = AlumniRecordFactory(org=org_tree.college, phone="+8613800139032")
    result = members_invite_by_sms(
        actor=college_admin,
        org=org_tree.college,
        phones_or_record_ids=["13800139031", "+86 138 0013 9031", "13800139030", record.pk],
        template="member_invitation",
    )
    assert (
        result.requested,
        result.skipped_members,
        result.debited,
        result.sent,
        result.failed,
    ) == (
        3,
        1,
        2,
        2,
        0,
    )
    assert result.segments == 2 * per
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved) == (2 * per, 0)
    messages = sms_outbox.messages()
    assert [(m["phone"], m["template"]) for m in messages] == [
        ("+8613800139031", "member_invitation"),
        ("+8613800139032", "member_invitation"),
    ]
    link = f"http://127.0.0.1:8000/orgs/{org_tree.college.pk}/join"
    assert messages[0]["params"]["url"].endswith(f"/orgs/{org_tree.college.pk}/join")
    assert messages[0]["params"]["org"] == "计算机学院校友会"
    assert link.split("/orgs/")[1] in messages[0]["text"]
    entry = AuditEntry.objects.get(action="organization.sms_invite")
    assert entry.changes == {
        "sms_debited": [None, 2],
        "sms_segments": [None, 2 * per],
        "template": [None, "member_invitation"],
    }
    assert messages[0]["text"] == invite_text(
        org_tree.college, "member_invitation", messages[0]["params"]["url"]
    )


def test_sms_invitations_are_refused_beyond_the_allocation(org_tree, college_admin, sms_outbox):
    per = _per_message(org_tree.college)
    give_sms(org_tree.college, 2 * per - 1)
    with pytest.raises(ApplicationError) as raised:
        members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=["13800139041", "13800139042"],
            template="member_invitation",
        )
    assert (raised.value.code, raised.value.status) == (errors_sms.QUOTA_ORG_EXCEEDED, 409)
    assert raised.value.params == {"needed": 2 * per, "remaining": 2 * per - 1}
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved) == (0, 0)
    assert sms_outbox.messages() == []


def test_sms_invitation_input_rules(org_tree, college_admin, regional_admin, sms_outbox):
    give_sms(org_tree.college, 10)
    with pytest.raises(ApplicationError) as raised:
        members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=["13800139051", "abc", 999_999],
            template="member_invitation",
        )
    assert raised.value.text() == (
        "These entries are not valid mobile numbers or records: abc、#999999"
    )
    with pytest.raises(ApplicationError) as raised:
        members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=["13800139051"],
            template="free_text",
        )
    assert raised.value.code == "sms_template_unknown"
    with pytest.raises(PermissionDenied):
        members_invite_by_sms(
            actor=regional_admin,
            org=org_tree.college,
            phones_or_record_ids=["13800139051"],
            template="member_invitation",
        )
    assert sms_outbox.messages() == []


def test_sms_invitations_are_rate_limited_per_org(settings, org_tree, college_admin, sms_outbox):
    settings.ORGANIZATION_SMS_INVITE_RATE = "2/3600"
    give_sms(org_tree.college, 10)
    for number in range(2):
        members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=[f"1380013906{number}"],
            template="member_invitation",
        )
    with pytest.raises(ApplicationError) as raised:
        members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=["13800139069"],
            template="member_invitation",
        )
    assert (raised.value.code, raised.value.status) == ("sms_invite_rate_limited", 429)
    assert len(sms_outbox.messages()) == 2


def test_large_batches_run_as_a_job_with_progress(
    org_tree, college_admin, sms_outbox, django_capture_on_commit_callbacks
):
    per = _per_message(org_tree.college)
    give_sms(org_tree.college, 30 * per)
    phones = [f"138001391{number:02d}" for number in range(25)]
    with django_capture_on_commit_callbacks(execute=True):
        result = members_invite_by_sms(
            actor=college_admin,
            org=org_tree.college,
            phones_or_record_ids=phones,
            template="member_invitation",
        )
    assert result.job is not None and result.sent == 0
    job = Job.objects.get(pk=result.job.pk)
    assert (job.kind, job.status, job.total, job.done) == (
        "organizations.sms_invite",
        JobStatus.SUCCEEDED,
        25,
        25,
    )
    assert job.result == {"next": 25, "sent": 25, "failed": 0}
    assert len(sms_outbox.messages()) == 25
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (25 * per, 0, 5 * per)


def test_a_refused_message_is_given_back(org_tree, college_admin, settings, monkeypatch):
    from xiaoyou.core.sms import SmsError
    from xiaoyou.core.sms.file import FileSmsBackend

    settings.SMS_BACKEND = "file"
    sent: list[str] = []

    def send(self, *, phone, template, params):
        if phone.endswith("9072"):
            raise SmsError("isv.MOBILE_NUMBER_ILLEGAL", "bad number", provider="test")
        sent.append(phone)
        return None

    monkeypatch.setattr(FileSmsBackend, "send", send)
    per = _per_message(org_tree.college)
    give_sms(org_tree.college, 5 * per)
    result = members_invite_by_sms(
        actor=college_admin,
        org=org_tree.college,
        phones_or_record_ids=["13800139071", "13800139072"],
        template="member_invitation",
    )
    assert (result.sent, result.failed) == (1, 1)
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (per, 0, 4 * per)


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_never_overdraw_the_allocation(settings, tmp_path):
    """Eight admins' batches of 3 race for an allocation of 10 texts: exactly three batches are
    reserved and sent, one text's segments are left, and the SMS backend received exactly 9
    messages."""
    from django.core.cache import cache

    from xiaoyou.core.sms.file import FileSmsBackend
    from xiaoyou.organizations.services import role_grant

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    settings.ORGANIZATION_SMS_INVITE_RATE = "100/3600"
    cache.clear()
    org = OrganizationFactory(name="并发校友会", kind=OrganizationKind.MAIN)
    per = _per_message(org)
    give_sms(org, 10 * per)
    admins = []
    for _ in range(8):
        admin = UserFactory(is_staff=True)
        role_grant(actor=None, user=admin, org=org, role=Role.ADMIN)
        admins.append(admin)
    start = threading.Barrier(len(admins))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(number: int, admin) -> None:
        try:
            start.wait()
            result = members_invite_by_sms(
                actor=admin,
                org=org,
                phones_or_record_ids=[f"1390013{number:02d}{index:02d}" for index in range(3)],
                template="member_invitation",
            )
            outcomes.append(f"sent:{result.sent}")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n, a)) for n, a in enumerate(admins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [errors_sms.QUOTA_ORG_EXCEEDED] * 5 + ["sent:3"] * 3
    allocation = sms_allocation(org)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (9 * per, 0, per)
    assert len(FileSmsBackend(tmp_path / "sms.log").messages()) == 9
    assert AuditEntry.objects.filter(action="organization.sms_invite").count() == 3


# --- Recommendations -----------------------------------------------------------------------------


def test_recommendations_are_exact(org_tree):
    department = DepartmentFactory(name="计算机学院")
    org_tree.college.department = department
    org_tree.college.save(update_fields=["department"])
    industry = OrganizationFactory(
        name="互联网行业校友会",
        kind=OrganizationKind.INDUSTRY,
        parent=org_tree.root,
        industry="互联网",
    )
    # Near misses: another city's association, a private one, an archived one, a club.
    OrganizationFactory(
        name="北京校友会", kind=OrganizationKind.REGIONAL, parent=org_tree.root, city="北京"
    )
    OrganizationFactory(
        name="上海私密会",
        kind=OrganizationKind.REGIONAL,
        parent=org_tree.root,
        city="上海",
        visibility=Visibility.PRIVATE,
    )
    OrganizationFactory(
        name="上海旧会",
        kind=OrganizationKind.REGIONAL,
        parent=org_tree.root,
        city="上海",
        archived_at=timezone.now(),
    )
    OrganizationFactory(
        name="上海俱乐部", kind=OrganizationKind.CLUB, parent=org_tree.regional, city="上海"
    )
    user = UserFactory()
    AlumniRecordFactory(
        org=org_tree.root, user=user, department=department, city="上海", industry="互联网"
    )
    # Not a member of the main association yet: nothing.
    assert selectors.recommendations_for(user) == []
    MembershipFactory(org=org_tree.root, user=user)
    recommended = selectors.recommendations_for(user)
    assert [(item.org.name, str(item.reason)) for item in recommended] == [
        ("计算机学院校友会", "Your department"),
        ("上海校友会", "Your city"),
        ("互联网行业校友会", "Your industry"),
    ]
    assert [item.needs_form for item in recommended] == [False, False, False]
    # Members and applicants are not offered what they have or asked for.
    MembershipFactory(org=industry, user=user)
    join_request_submit(actor=user, org=org_tree.regional, answers={})
    assert [item.org.name for item in selectors.recommendations_for(user)] == ["计算机学院校友会"]
    set_join_rules(org_tree.college)
    assert [item.needs_form for item in selectors.recommendations_for(user)] == [True]


def test_recommendations_use_the_record_matched_at_joining(org_tree):
    department = DepartmentFactory()
    org_tree.college.department = department
    org_tree.college.save(update_fields=["department"])
    record = AlumniRecordFactory(
        org=org_tree.root, name="孙八", graduation_year=2015, department=department
    )
    set_join_rules(
        org_tree.root,
        mode=ApprovalMode.MATCHED,
        form=[
            {"key": "name", "label": "姓名", "type": "text", "required": True},
            {"key": "graduation_year", "label": "毕业年份", "type": "number", "required": True},
        ],
    )
    user = UserFactory(display_name="孙八")
    join_request = join_request_submit(
        actor=user, org=org_tree.root, answers={"name": "孙八", "graduation_year": 2015}
    )
    assert join_request.status == JoinRequestStatus.APPROVED
    assert Membership.objects.get(org=org_tree.root, user=user).alumni_record == record
    assert [item.org for item in selectors.recommendations_for(user)] == [org_tree.college]
