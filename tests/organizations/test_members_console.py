"""Console pages of members: the scoped list (filters, masked phones, query counts, export),
a member's detail, removal and bans, bulk actions, groups, imports and SMS invitations."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.console.test_audit_views import console_login
from tests.factories import (
    AlumniRecordFactory,
    JoinRequestFileFactory,
    MemberGroupFactory,
    MembershipFactory,
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
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.sms_text import billed_segments
from xiaoyou.organizations.models import (
    ApprovalMode,
    MemberGroup,
    Membership,
    MembershipStatus,
)
from xiaoyou.organizations.services import join_request_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "clean_cache")]

LIST = reverse("console:member_list")
BULK = reverse("console:member_bulk")


def _names(response) -> list[str]:
    return sorted(row.obj.name for row in response.context["table"].rows)


@pytest.fixture
def members(org_tree):
    """Two college members (one imported), one of its club, one in Shanghai, one of the root."""
    return {
        "college": MembershipFactory(
            org=org_tree.college, user=UserFactory(display_name="韩梅梅", phone="+8613811112222")
        ),
        "imported": MembershipFactory(
            org=org_tree.college, user=None, name="赵六", phone="+8613833334444", source="imported"
        ),
        "club": MembershipFactory(org=org_tree.club, user=UserFactory(display_name="球友")),
        "regional": MembershipFactory(org=org_tree.regional, user=UserFactory(display_name="沪友")),
        "root": MembershipFactory(org=org_tree.root, user=UserFactory(display_name="总会友")),
    }


# --- The list -----------------------------------------------------------------------------------


def test_each_admin_sees_the_members_of_their_branch_only(
    client, members, college_admin, regional_admin, platform_admin
):
    console_login(client, college_admin)
    assert _names(client.get(LIST)) == sorted(["韩梅梅", "赵六", "球友"])
    console_login(client, regional_admin)
    assert _names(client.get(LIST)) == ["沪友"]
    console_login(client, platform_admin)
    assert _names(client.get(LIST)) == sorted(["韩梅梅", "赵六", "球友", "沪友", "总会友"])


def test_phones_are_masked_and_filters_narrow_the_list(client, org_tree, members, college_admin):
    console_login(client, college_admin)
    response = client.get(LIST)
    html = response.content.decode()
    assert "138****2222" in html
    assert "+8613811112222" not in html
    assert f'href="{reverse("console:reviews")}?kind=organizations.join"' in html
    assert _names(client.get(LIST, {"source": "imported"})) == ["赵六"]
    assert _names(client.get(LIST, {"q": "3333"})) == ["赵六"]
    assert _names(client.get(LIST, {"q": "韩梅"})) == ["韩梅梅"]
    assert _names(client.get(LIST, {"org": org_tree.club.pk})) == ["球友"]
    group = MemberGroupFactory(org=org_tree.college, name="理事")
    group.members.add(members["college"])
    assert _names(client.get(LIST, {"group": group.pk})) == ["韩梅梅"]
    members["college"].status = MembershipStatus.BANNED
    members["college"].save(update_fields=["status"])
    assert _names(client.get(LIST, {"status": "banned"})) == ["韩梅梅"]
    # Another branch's organization is not a choice of the filter: it is ignored.
    assert len(client.get(LIST, {"org": org_tree.regional.pk}).context["table"].rows) == 3


def test_the_list_costs_the_same_queries_for_many_members(
    client, org_tree, college_admin, django_assert_num_queries
):
    group = MemberGroupFactory(org=org_tree.college)
    for _ in range(3):
        group.members.add(MembershipFactory(org=org_tree.college))
    console_login(client, college_admin)
    client.get(LIST)  # warm caches of the shell (branding, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(15):
        group.members.add(
            MembershipFactory(
                org=org_tree.college, alumni_record=AlumniRecordFactory(org=org_tree.root)
            )
        )
    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["table"].rows) == 18


def test_export_has_clear_phones_and_is_audited(client, org_tree, members, college_admin):
    console_login(client, college_admin)
    response = client.get(LIST, {"export": "xlsx", "source": "imported"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="members-{org_tree.college.pk}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name", "Mobile phone", "Organization")
    # Mainland numbers as people read them (a "+" would start a formula in a spreadsheet).
    assert rows[1][:5] == (
        "赵六",
        "13833334444",
        "计算机学院校友会",
        "Active",
        "Imported by staff",
    )
    assert len(rows) == 2
    entry = AuditEntry.objects.get(action="membership.export")
    assert (entry.actor_id, entry.org_id, entry.changes) == (
        college_admin.pk,
        org_tree.college.pk,
        {"rows": [None, 1]},
    )


def test_the_nav_has_the_members_entry(client, college_admin, members):
    console_login(client, college_admin)
    html = client.get(LIST).content.decode()
    assert f'href="{LIST}"' in html
    assert "Members" in html


# --- One member ----------------------------------------------------------------------------------


def test_the_detail_shows_answers_files_and_history(client, org_tree, college_admin, media):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    person = UserFactory(display_name="李雷")
    join_request_submit(
        actor=person, org=org_tree.college, answers=GOOD_ANSWERS, files={"diploma": pdf()}
    )
    membership = Membership.objects.get(org=org_tree.college, user=person)
    console_login(client, college_admin)
    response = client.get(reverse("console:member_detail", args=[membership.pk]))
    assert response.status_code == 200
    rows = [(row["label"], row["value"]) for row in response.context["rows"]]
    assert rows == [
        ("姓名", "李雷"),
        ("毕业年份", 2012),
        ("学历", "本科"),
        ("毕业证", "毕业证.pdf"),
    ]
    file_url = response.context["rows"][3]["file_url"]
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert [item.status for item in response.context["history"]] == ["approved"]
    assert "membership.activate" in [entry.action for entry in response.context["entries"]]


def test_another_branch_member_and_file_are_not_found(
    client, org_tree, members, regional_admin, media
):
    console_login(client, regional_admin)
    assert (
        client.get(reverse("console:member_detail", args=[members["college"].pk])).status_code
        == 404
    )
    stored = JoinRequestFileFactory(request__org=org_tree.college)
    assert client.get(reverse("console:member_file", args=[stored.pk])).status_code == 404
    response = client.post(
        reverse("console:member_remove", args=[members["college"].pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(pk=members["college"].pk).status == "active"


def test_removing_needs_a_reason_inline(client, members, college_admin):
    console_login(client, college_admin)
    url = reverse("console:member_remove", args=[members["college"].pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert response.context["remove_form"].errors == {"reason": ["This field is required."]}
    assert Membership.objects.get(pk=members["college"].pk).status == "active"
    response = client.post(url, {"reason": "长期失联"})
    assert response["Location"] == reverse("console:member_detail", args=[members["college"].pk])
    membership = Membership.objects.get(pk=members["college"].pk)
    assert (membership.status, membership.end_reason) == ("removed", "长期失联")


def test_banning_from_the_detail_page(client, members, college_admin):
    console_login(client, college_admin)
    client.post(reverse("console:member_ban", args=[members["imported"].pk]), {"reason": "冒名"})
    assert Membership.objects.get(pk=members["imported"].pk).status == "banned"
    assert AuditEntry.objects.get(action="membership.ban").changes == {
        "status": ["active", "banned"],
        "reason": [None, "冒名"],
    }


# --- Bulk actions ------------------------------------------------------------------------------


def test_bulk_group_assignment_confirms_then_acts(client, org_tree, members, college_admin):
    group = MemberGroupFactory(org=org_tree.college, name="2008 级")
    console_login(client, college_admin)
    ids = [members["college"].pk, members["imported"].pk, members["regional"].pk]
    first = client.post(BULK, {"action": "assign_group", "ids": ids})
    assert first.status_code == 200
    # The other branch's member was dropped from the selection.
    assert sorted(m.pk for m in first.context["members"]) == sorted(ids[:2])
    done = client.post(
        BULK, {"action": "assign_group", "ids": ids, "confirmed": "1", "group": group.pk}
    )
    assert done.status_code == 302
    assert set(group.members.values_list("pk", flat=True)) == set(ids[:2])


def test_bulk_removal_needs_a_reason(client, members, college_admin):
    console_login(client, college_admin)
    ids = [members["college"].pk, members["club"].pk]
    refused = client.post(BULK, {"action": "remove", "ids": ids, "confirmed": "1", "reason": ""})
    assert refused.status_code == 400
    assert set(Membership.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"active"}
    client.post(BULK, {"action": "remove", "ids": ids, "confirmed": "1", "reason": "重复"})
    assert set(Membership.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "removed"
    }


def test_bulk_sms_invitation_of_imported_members(
    client, org_tree, members, college_admin, sms_outbox
):
    give_sms(org_tree.college, 5)
    console_login(client, college_admin)
    ids = [members["imported"].pk, members["college"].pk]
    response = client.post(
        BULK,
        {"action": "invite_sms", "ids": ids, "confirmed": "1", "template": "member_invitation"},
    )
    assert response.status_code == 302
    # The registered member is skipped; the imported one gets the join link.
    [message] = sms_outbox.messages()
    assert message["phone"] == "+8613833334444"
    allocation = sms_allocation(org_tree.college)
    assert (allocation.used, allocation.reserved) == (billed_segments(message["text"]), 0)


# --- Groups ----------------------------------------------------------------------------------


def test_groups_page_creates_renames_and_deletes(client, org_tree, college_admin, regional_admin):
    console_login(client, college_admin)
    url = reverse("console:member_groups")
    assert client.post(url, {"name": "理事会"}).status_code == 302
    duplicate = client.post(url, {"name": "理事会"})
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors == {"name": ["A group with this name already exists."]}
    group = MemberGroup.objects.get()
    assert group.org == org_tree.college
    client.post(reverse("console:member_group_edit", args=[group.pk]), {"name": "常务理事会"})
    assert MemberGroup.objects.get().name == "常务理事会"
    console_login(client, regional_admin)
    assert client.post(reverse("console:member_group_delete", args=[group.pk])).status_code == 404
    console_login(client, college_admin)
    client.post(reverse("console:member_group_delete", args=[group.pk]))
    assert not MemberGroup.objects.exists()


# --- Import ----------------------------------------------------------------------------------


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "members.xlsx"
    return buffer


def test_importing_one_person(client, org_tree, college_admin):
    console_login(client, college_admin)
    url = reverse("console:member_import")
    bad = client.post(url, {"mode": "one", "name": "甲", "phone": "123"})
    assert bad.status_code == 400
    assert "phone" in bad.context["one_form"].errors
    missing = client.post(
        url, {"mode": "one", "name": "甲", "phone": "13800135555", "student_id": "X"}
    )
    assert missing.status_code == 400
    assert missing.context["one_form"].errors == {
        "student_id": ["No alumni record has this student number."]
    }
    done = client.post(url, {"mode": "one", "name": "甲", "phone": "13800135555"})
    assert done["Location"] == LIST
    membership = Membership.objects.get(phone="+8613800135555")
    assert (membership.org, membership.user, membership.source) == (
        org_tree.college,
        None,
        "imported",
    )


def test_an_xlsx_with_errors_imports_nothing_and_offers_a_report(
    client, org_tree, college_admin, platform_admin
):
    console_login(client, college_admin)
    url = reverse("console:member_import")
    upload = _workbook([["姓名", "手机", "学号"], ["甲", "13800136001", ""], ["乙", "bad", ""]])
    response = client.post(url, {"mode": "file", "file": upload})
    assert response.status_code == 400
    assert [(p.line, p.column) for p in response.context["problems"]] == [(3, "Mobile phone")]
    assert not Membership.objects.exists()
    report_url = response.context["report_url"]
    report = client.get(report_url)
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == (3, "Mobile phone", "bad")
    # The report is the uploader's alone.
    console_login(client, platform_admin)
    assert client.get(report_url).status_code == 404

    console_login(client, college_admin)
    good = _workbook(
        [["Name", "Mobile phone"], ["甲", 13800136001], [None, None], ["乙", "13800136002"]]
    )
    assert client.post(url, {"mode": "file", "file": good})["Location"] == LIST
    assert sorted(Membership.objects.values_list("name", "phone")) == [
        ("乙", "+8613800136002"),
        ("甲", "+8613800136001"),
    ]


def test_a_file_without_the_columns_is_refused(client, college_admin):
    console_login(client, college_admin)
    upload = _workbook([["名字?", "手机"], ["甲", "13800136001"]])
    response = client.post(reverse("console:member_import"), {"mode": "file", "file": upload})
    assert [(p.line, p.column, p.message) for p in response.context["problems"]] == [
        (1, "Name", "This column is missing."),
    ]
    template = client.get(reverse("console:member_import_template"))
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header == ("Name", "Mobile phone", "Student number")


# --- SMS invitations -----------------------------------------------------------------------------


def test_the_invite_page_sends_and_reports_a_short_allocation(
    client, org_tree, college_admin, sms_outbox
):
    from xiaoyou.organizations.services.sms_invites import invite_text, join_link

    org = org_tree.college
    per = billed_segments(invite_text(org, "member_invitation", join_link(org)))
    give_sms(org, per)
    console_login(client, college_admin)
    url = reverse("console:member_invite")
    page = client.get(url)
    assert f"/orgs/{org_tree.college.pk}/join" in page.content.decode()
    assert f"data-sms-remaining>{per}<" in page.content.decode()
    short = client.post(
        url, {"recipients": "13800137001\n13800137002", "template": "member_invitation"}
    )
    assert short.status_code == 400
    refusal = ApplicationError(errors_sms.QUOTA_ORG_EXCEEDED, needed=2 * per, remaining=per)
    assert short.context["form"].non_field_errors() == [refusal.text()]
    sent = client.post(url, {"recipients": "13800137001", "template": "member_invitation"})
    assert sent["Location"] == LIST
    assert [m["phone"] for m in sms_outbox.messages()] == ["+8613800137001"]
