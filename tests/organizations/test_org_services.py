"""Services of organization management: edit with audit diff, sanitizing, join-form rules,
profile rules, archive and restore, moving a branch, cross links, images."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from tests.factories import DepartmentFactory, OrganizationFactory, OrganizationLinkFactory
from tests.organizations.org_support import image_upload
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinFieldType,
    Organization,
    OrganizationKind,
    OrganizationLink,
    Role,
)
from xiaoyou.organizations.selectors import role_paths
from xiaoyou.organizations.services import (
    organization_archive,
    organization_create,
    organization_link_create,
    organization_link_delete,
    organization_move,
    organization_restore,
    organization_update,
    role_grant,
)
from xiaoyou.organizations.services.join_forms import (
    JoinFieldProblem,
    JoinFormError,
    join_form_clean,
)

pytestmark = pytest.mark.django_db


def code_of(excinfo: pytest.ExceptionInfo[ApplicationError]) -> str:
    return excinfo.value.code


# --- update and audit ----------------------------------------------------------------------


def test_update_changes_the_profile_and_audits_the_diff(org_tree, college_admin):
    department = DepartmentFactory(name="计算机学院", code="CS")
    updated = organization_update(
        actor=college_admin,
        org=org_tree.college,
        changes={
            "short_name": "计算机校友会",
            "phone": " 010-62780000 ",
            "approval_mode": ApprovalMode.MATCHED,
            "department": department,
        },
    )
    assert updated.short_name == "计算机校友会"
    assert updated.phone == "010-62780000"
    assert updated.approval_mode == "matched"
    assert updated.department_id == department.pk
    entry = AuditEntry.objects.filter(action="organization.update").get()
    assert entry.org_id == org_tree.college.pk
    assert entry.actor_id == college_admin.pk
    assert entry.changes == {
        "approval_mode": ["manual", "matched"],
        "department": [None, department.pk],
        "phone": ["", "010-62780000"],
        "short_name": ["", "计算机校友会"],
    }


def test_an_update_that_changes_nothing_writes_no_entry(org_tree, college_admin):
    organization_update(
        actor=college_admin, org=org_tree.college, changes={"name": "计算机学院校友会"}
    )
    assert not AuditEntry.objects.filter(action="organization.update").exists()


def test_unknown_fields_are_refused(org_tree, college_admin):
    with pytest.raises(ValueError, match="sms_balance"):
        organization_update(actor=college_admin, org=org_tree.college, changes={"sms_balance": 9})


def test_admins_change_only_their_branch(org_tree, regional_admin, college_admin, platform_admin):
    with pytest.raises(PermissionDenied):
        organization_update(actor=regional_admin, org=org_tree.college, changes={"phone": "1"})
    with pytest.raises(PermissionDenied):
        organization_update(actor=college_admin, org=org_tree.root, changes={"phone": "1"})
    # Roles reach down the tree: the college's admin edits its club, the main admin everything.
    organization_update(actor=college_admin, org=org_tree.club, changes={"phone": "2"})
    organization_update(actor=platform_admin, org=org_tree.regional, changes={"phone": "3"})
    assert Organization.objects.get(pk=org_tree.club.pk).phone == "2"
    assert Organization.objects.get(pk=org_tree.regional.pk).phone == "3"
    assert Organization.objects.get(pk=org_tree.college.pk).phone == ""


def test_members_cannot_edit(org_tree, verified_alumnus):
    with pytest.raises(PermissionDenied):
        organization_update(actor=verified_alumnus, org=org_tree.college, changes={"phone": "1"})


# --- rich text ---------------------------------------------------------------------------------


def test_the_introduction_is_sanitized(org_tree, college_admin):
    updated = organization_update(
        actor=college_admin,
        org=org_tree.college,
        changes={
            "introduction": (
                '<h2 onclick="steal()">简介</h2><p style="color:red">欢迎<script>alert(1)</script>'
                '<a href="javascript:alert(2)">坏链接</a><a href="https://example.com/" '
                'rel="opener">官网</a></p><style>p{}</style><iframe src="https://x"></iframe>'
                '<img src="https://example.com/a.png" onerror="steal()">'
            )
        },
    )
    assert updated.introduction == (
        '<h2>简介</h2><p>欢迎<a rel="noopener noreferrer">坏链接</a>'
        '<a href="https://example.com/" rel="noopener noreferrer">官网</a></p>'
        '<img src="https://example.com/a.png">'
    )


def test_an_introduction_with_no_text_is_empty(org_tree, college_admin):
    updated = organization_update(
        actor=college_admin, org=org_tree.college, changes={"introduction": "<p><br></p>"}
    )
    assert updated.introduction == ""


# --- join form -----------------------------------------------------------------------------------


def test_a_valid_join_form_is_normalized_and_gets_keys():
    fields = join_form_clean(
        [
            {"label": " 工作单位 ", "type": "text", "required": True},
            {
                "key": "degree",
                "label": "学历",
                "type": "choice",
                "choices": "本科\n 硕士 \n\n博士",
                "help": "最高学历",
            },
            {"label": "毕业证书", "type": "file", "choices": ["忽略"]},
        ]
    )
    assert fields == [
        {
            "key": "field_1",
            "label": "工作单位",
            "type": "text",
            "required": True,
            "choices": [],
            "help": "",
        },
        {
            "key": "degree",
            "label": "学历",
            "type": "choice",
            "required": False,
            "choices": ["本科", "硕士", "博士"],
            "help": "最高学历",
        },
        {
            "key": "field_2",
            "label": "毕业证书",
            "type": "file",
            "required": False,
            "choices": [],
            "help": "",
        },
    ]


def test_generated_keys_skip_the_ones_in_use():
    fields = join_form_clean(
        [{"key": "field_1", "label": "甲", "type": "text"}, {"label": "乙", "type": "date"}]
    )
    assert [field["key"] for field in fields] == ["field_1", "field_2"]


def test_join_form_problems_say_where():
    with pytest.raises(JoinFormError) as excinfo:
        join_form_clean(
            [
                {"key": "city", "label": "城市", "type": "text"},
                {"key": "city", "label": "", "type": "choice"},
                {"key": "2bad", "label": "爱好", "type": "multiple_choice", "choices": ["a", "a"]},
                {"label": "x", "type": "colour"},
            ]
        )
    assert excinfo.value.code == errors.INVALID_JOIN_FORM
    assert excinfo.value.status == 422
    assert excinfo.value.problems == [
        JoinFieldProblem(1, "label", gettext("Give the field a label.")),
        JoinFieldProblem(1, "choices", gettext("A choice field needs its choices, one per line.")),
        JoinFieldProblem(
            2,
            "key",
            gettext(
                "Use lowercase letters, digits and underscores, starting with a letter "
                "(at most 40 characters)."
            ),
        ),
        JoinFieldProblem(2, "choices", gettext("Each choice may appear only once.")),
        JoinFieldProblem(3, "type", gettext("Choose the type of the field.")),
        JoinFieldProblem(1, "key", gettext("Another field already uses this key.")),
    ]
    assert excinfo.value.text() == (
        gettext("Field %(number)s: ") % {"number": 2} + gettext("Give the field a label.")
    )


def test_at_most_thirty_fields():
    fields = [{"label": f"问题{n}", "type": JoinFieldType.TEXT} for n in range(30)]
    assert len(join_form_clean(fields)) == 30
    with pytest.raises(JoinFormError) as excinfo:
        join_form_clean([*fields, {"label": "多一个", "type": "text"}])
    assert excinfo.value.problems == [
        JoinFieldProblem(
            None, "", gettext("A join form has at most %(count)s fields.") % {"count": 30}
        )
    ]


def test_an_invalid_join_form_changes_nothing(org_tree, college_admin):
    with pytest.raises(JoinFormError):
        organization_update(
            actor=college_admin,
            org=org_tree.college,
            changes={"phone": "1", "join_form": [{"label": "学历", "type": "choice"}]},
        )
    college = Organization.objects.get(pk=org_tree.college.pk)
    assert (college.phone, college.join_form) == ("", [])
    assert not AuditEntry.objects.filter(action="organization.update").exists()


# --- profile rules ---------------------------------------------------------------------------


def test_a_regional_association_needs_province_and_city(org_tree, platform_admin):
    with pytest.raises(ApplicationError) as excinfo:
        organization_create(
            actor=platform_admin,
            name="杭州校友会",
            kind=OrganizationKind.REGIONAL,
            parent=org_tree.root,
            city="杭州",
        )
    assert code_of(excinfo) == errors.PROFILE_INCOMPLETE
    assert excinfo.value.text() == gettext("A regional association needs its province.")
    org = organization_create(
        actor=platform_admin,
        name="杭州校友会",
        kind=OrganizationKind.REGIONAL,
        parent=org_tree.root,
        province="浙江省",
        city="杭州",
    )
    assert (org.province, org.city, org.path) == (
        "浙江省",
        "杭州",
        f"{org_tree.root.path}{org.pk}/",
    )


def test_an_industry_association_needs_its_industry(org_tree, platform_admin):
    with pytest.raises(ApplicationError) as excinfo:
        organization_create(
            actor=platform_admin, name="金融校友会", kind="industry", parent=org_tree.root
        )
    assert excinfo.value.text() == gettext("An industry association needs its industry.")


def test_the_profile_is_rechecked_only_when_its_fields_change(org_tree, regional_admin):
    # The fixture's Shanghai association has no province: editing its phone is still allowed.
    organization_update(actor=regional_admin, org=org_tree.regional, changes={"phone": "021-1"})
    with pytest.raises(ApplicationError) as excinfo:
        organization_update(actor=regional_admin, org=org_tree.regional, changes={"city": "上海"})
    assert code_of(excinfo) == errors.PROFILE_INCOMPLETE


def test_only_the_top_organization_is_the_main_association(org_tree, platform_admin):
    with pytest.raises(ApplicationError) as excinfo:
        organization_update(actor=platform_admin, org=org_tree.college, changes={"kind": "main"})
    assert code_of(excinfo) == errors.INVALID_KIND
    with pytest.raises(ApplicationError):
        organization_update(actor=platform_admin, org=org_tree.root, changes={"kind": "club"})
    with pytest.raises(ApplicationError):
        organization_create(
            actor=platform_admin, name="第二总会", kind="main", parent=org_tree.root
        )


def test_creating_needs_admin_rights_on_the_parent(org_tree, college_admin, regional_admin):
    club = organization_create(
        actor=college_admin,
        name="计算机学院围棋社",
        kind=OrganizationKind.CLUB,
        parent=org_tree.college,
        join_form=[
            {"label": "棋力", "type": "choice", "choices": ["业余", "职业"], "required": True}
        ],
    )
    assert club.parent_id == org_tree.college.pk
    assert club.depth == 2
    assert club.join_form[0]["key"] == "field_1"
    entry = AuditEntry.objects.get(action="organization.create", object_id=str(club.pk))
    assert entry.changes["name"] == [None, "计算机学院围棋社"]
    assert entry.changes["parent"] == [None, org_tree.college.pk]
    with pytest.raises(PermissionDenied):
        organization_create(
            actor=regional_admin, name="越权俱乐部", kind="club", parent=org_tree.college
        )


# --- archive and restore --------------------------------------------------------------------------


def test_archive_keeps_everything_and_needs_the_admins_above(org_tree, college_admin):
    archived = organization_archive(actor=college_admin, org=org_tree.club, reason=" 活动停止 ")
    assert archived.is_active is False
    assert archived.archived_at is not None
    assert archived.archive_reason == "活动停止"
    assert Organization.objects.filter(pk=org_tree.club.pk).exists()
    entry = AuditEntry.objects.get(action="organization.archive")
    assert entry.changes["is_active"] == [True, False]
    assert entry.changes["archive_reason"] == ["", "活动停止"]

    restored = organization_restore(actor=college_admin, org=org_tree.club)
    assert (restored.is_active, restored.archived_at, restored.archive_reason) == (True, None, "")
    # The reason stays in the history.
    assert AuditEntry.objects.get(action="organization.restore").changes["archive_reason"] == [
        "活动停止",
        "",
    ]


def test_an_org_cannot_disband_itself(org_tree, regional_admin, platform_admin):
    with pytest.raises(PermissionDenied):
        organization_archive(actor=regional_admin, org=org_tree.regional, reason="解散")
    organization_archive(actor=platform_admin, org=org_tree.regional, reason="解散")
    # Its admins lose their rights through it; the role rows stay.
    fresh = type(regional_admin).objects.get(pk=regional_admin.pk)
    assert role_paths(fresh, Role.ADMIN) == []
    assert fresh.org_roles.filter(org=org_tree.regional, role=Role.ADMIN).exists()


@pytest.mark.parametrize(
    ("target", "reason", "code"),
    [
        ("college", "合并", errors.HAS_ACTIVE_CHILDREN),
        ("club", "  ", errors.ARCHIVE_REASON_REQUIRED),
        ("root", "解散", errors.CANNOT_ARCHIVE_ROOT),
    ],
)
def test_archive_refusals(org_tree, platform_admin, target, reason, code):
    with pytest.raises(ApplicationError) as excinfo:
        organization_archive(actor=platform_admin, org=getattr(org_tree, target), reason=reason)
    assert code_of(excinfo) == code
    assert Organization.objects.filter(is_active=False).count() == 0


def test_archiving_twice_and_restoring_under_an_archived_parent_are_refused(
    org_tree, platform_admin
):
    organization_archive(actor=platform_admin, org=org_tree.club, reason="停办")
    organization_archive(actor=platform_admin, org=org_tree.college, reason="合并")
    with pytest.raises(ApplicationError) as excinfo:
        organization_archive(actor=platform_admin, org=org_tree.college, reason="再次")
    assert code_of(excinfo) == errors.ORGANIZATION_INACTIVE
    with pytest.raises(ApplicationError) as excinfo:
        organization_restore(actor=platform_admin, org=org_tree.club)
    assert code_of(excinfo) == errors.PARENT_ARCHIVED
    with pytest.raises(ApplicationError) as excinfo:
        organization_restore(actor=platform_admin, org=org_tree.root)
    assert code_of(excinfo) == errors.NOT_ARCHIVED


def test_no_child_under_an_archived_parent(org_tree, platform_admin):
    organization_archive(actor=platform_admin, org=org_tree.club, reason="停办")
    with pytest.raises(ApplicationError) as excinfo:
        organization_create(actor=platform_admin, name="分社", kind="club", parent=org_tree.club)
    assert code_of(excinfo) == errors.PARENT_ARCHIVED


# --- move ----------------------------------------------------------------------------------------


def test_moving_a_branch_rewrites_every_path(org_tree, platform_admin):
    team = OrganizationFactory(name="羽毛球队", kind="club", parent=org_tree.club)
    squad = OrganizationFactory(name="一队", kind="club", parent=team)
    untouched = {
        org.pk: (org.path, org.depth)
        for org in Organization.objects.exclude(path__startswith=org_tree.club.path)
    }

    moved = organization_move(actor=platform_admin, org=org_tree.club, parent=org_tree.regional)

    root, regional, club = org_tree.root.pk, org_tree.regional.pk, org_tree.club.pk
    assert moved.parent_id == regional
    assert moved.path == f"/{root}/{regional}/{club}/"
    paths = dict(
        Organization.objects.filter(pk__in=[club, team.pk, squad.pk]).values_list("pk", "path")
    )
    assert paths == {
        club: f"/{root}/{regional}/{club}/",
        team.pk: f"/{root}/{regional}/{club}/{team.pk}/",
        squad.pk: f"/{root}/{regional}/{club}/{team.pk}/{squad.pk}/",
    }
    depths = dict(
        Organization.objects.filter(pk__in=[club, team.pk, squad.pk]).values_list("pk", "depth")
    )
    assert depths == {club: 2, team.pk: 3, squad.pk: 4}
    assert {
        org.pk: (org.path, org.depth)
        for org in Organization.objects.exclude(path__startswith=moved.path)
    } == untouched
    entry = AuditEntry.objects.get(action="organization.move")
    assert entry.changes["parent"] == [org_tree.college.pk, regional]

    # Up a level too: the depth shrinks.
    organization_move(actor=platform_admin, org=team, parent=org_tree.root)
    team.refresh_from_db()
    squad.refresh_from_db()
    assert (team.path, team.depth) == (f"/{root}/{team.pk}/", 1)
    assert (squad.path, squad.depth) == (f"/{root}/{team.pk}/{squad.pk}/", 2)


def test_a_moved_branch_follows_its_new_admins(org_tree, platform_admin, regional_admin):
    organization_move(actor=platform_admin, org=org_tree.club, parent=org_tree.regional)
    organization_update(actor=regional_admin, org=org_tree.club, changes={"phone": "021-2"})


def test_only_platform_admins_move(org_tree, college_admin):
    with pytest.raises(PermissionDenied):
        organization_move(actor=college_admin, org=org_tree.club, parent=org_tree.college)


@pytest.mark.parametrize(
    ("org", "parent", "code"),
    [
        ("college", "club", errors.MOVE_INTO_SUBTREE),
        ("college", "college", errors.MOVE_INTO_SUBTREE),
        ("root", "regional", errors.CANNOT_MOVE_ROOT),
    ],
)
def test_move_refusals(org_tree, platform_admin, org, parent, code):
    before = dict(Organization.objects.values_list("pk", "path"))
    with pytest.raises(ApplicationError) as excinfo:
        organization_move(
            actor=platform_admin, org=getattr(org_tree, org), parent=getattr(org_tree, parent)
        )
    assert code_of(excinfo) == code
    assert dict(Organization.objects.values_list("pk", "path")) == before


# --- cross links ---------------------------------------------------------------------------------


def test_links_read_both_ways_and_are_made_once(org_tree, college_admin, platform_admin):
    link = organization_link_create(
        actor=college_admin,
        from_org=org_tree.college,
        to_org=org_tree.other_college,
        kind="sister",
        note="兄弟学院",
    )
    assert (link.from_org_id, link.to_org_id, link.kind, link.note) == (
        org_tree.college.pk,
        org_tree.other_college.pk,
        "sister",
        "兄弟学院",
    )
    with pytest.raises(ApplicationError) as excinfo:
        organization_link_create(
            actor=platform_admin, from_org=org_tree.other_college, to_org=org_tree.college
        )
    assert code_of(excinfo) == errors.LINK_EXISTS
    with pytest.raises(ApplicationError) as excinfo:
        organization_link_create(
            actor=college_admin, from_org=org_tree.college, to_org=org_tree.college
        )
    assert code_of(excinfo) == errors.LINK_TO_ITSELF
    assert AuditEntry.objects.filter(action="organization_link.create").count() == 1


def test_links_need_rights_on_the_own_side(org_tree, regional_admin):
    with pytest.raises(PermissionDenied):
        organization_link_create(
            actor=regional_admin, from_org=org_tree.college, to_org=org_tree.regional
        )


def test_either_side_removes_a_link(org_tree, college_admin, regional_admin):
    mine = OrganizationLinkFactory(from_org=org_tree.regional, to_org=org_tree.college)
    organization_link_delete(actor=college_admin, link=mine)
    assert not OrganizationLink.objects.exists()
    theirs = OrganizationLinkFactory(from_org=org_tree.other_college, to_org=org_tree.root)
    with pytest.raises(PermissionDenied):
        organization_link_delete(actor=regional_admin, link=theirs)
    assert OrganizationLink.objects.count() == 1
    assert AuditEntry.objects.filter(action="organization_link.delete").count() == 1


# --- images ---------------------------------------------------------------------------------------


def test_images_are_checked_by_content_and_renamed(org_tree, college_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    updated = organization_update(
        actor=college_admin,
        org=org_tree.college,
        changes={
            "logo": image_upload("page.html"),
            "cover": image_upload("c.jpg", image_format="JPEG"),
        },
    )
    assert updated.logo.name.startswith("orgs/logos/") and updated.logo.name.endswith(".png")
    assert "page" not in updated.logo.name
    assert updated.cover.name.endswith(".jpg")
    cleared = organization_update(actor=college_admin, org=updated, changes={"logo": False})
    assert cleared.logo.name == ""


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "logo.png", b"<svg onload=alert(1)>", content_type="image/png"
            ),
            "The file is not an image, or it is damaged.",
        ),
        (
            lambda: image_upload("logo.bmp", image_format="BMP"),
            "Upload a JPEG, PNG, WebP or GIF image.",
        ),
    ],
)
def test_images_that_are_not_allowed(org_tree, college_admin, upload, message):
    with pytest.raises(ApplicationError) as excinfo:
        organization_update(actor=college_admin, org=org_tree.college, changes={"logo": upload()})
    assert code_of(excinfo) == errors.INVALID_IMAGE
    assert excinfo.value.text() == gettext(message)


def test_images_over_the_size_limit(org_tree, college_admin, monkeypatch):
    from xiaoyou.organizations.services import org_profiles

    monkeypatch.setitem(org_profiles.IMAGE_LIMITS, "logo", 100)
    with pytest.raises(ApplicationError) as excinfo:
        organization_update(
            actor=college_admin,
            org=org_tree.college,
            changes={"logo": image_upload(size=(300, 300))},
        )
    assert code_of(excinfo) == errors.INVALID_IMAGE
    assert "100" in excinfo.value.text()


def test_role_grant_still_works_after_a_move(org_tree, platform_admin):
    # A sanity check that role paths are read fresh after the paths changed.
    organization_move(actor=platform_admin, org=org_tree.club, parent=org_tree.regional)
    fresh = Organization.objects.get(pk=org_tree.club.pk)
    role = role_grant(actor=platform_admin, user=platform_admin, org=fresh, role=Role.PRESIDENT)
    assert role.org.path == fresh.path


# --- demo school -------------------------------------------------------------------------------


def test_the_demo_organizations_have_realistic_profiles(settings, tmp_path):
    from xiaoyou.alumni.demo import seed_demo
    from xiaoyou.alumni.models import AlumniRecord
    from xiaoyou.messaging.services.quota import allocation_for

    settings.VAR_DIR = tmp_path
    seed_demo(record_count=60)
    orgs = {org.short_name or org.name: org for org in Organization.objects.all()}
    root = orgs["校友总会"]
    # The demo organizations' texts are paid from allocations of this year's SMS quota.
    assert allocation_for(org=root).allocated == 1000
    assert (root.approval_mode, root.province) == ("matched", "北京市")
    assert [field["key"] for field in root.join_form] == [
        "student_id",
        "graduation_year",
        "employer",
        "industry",
    ]
    computing = orgs["计算机学院校友会"]
    assert computing.department.code == "CS"
    assert computing.join_form[1]["choices"] == [
        "人工智能",
        "网络空间安全",
        "计算机科学与技术",
        "软件工程",
        "其他",
    ]
    shanghai = orgs["上海校友会"]
    assert (shanghai.province, shanghai.city, shanghai.approval_mode) == (
        "上海市",
        "上海",
        "manual",
    )
    assert shanghai.join_form[1]["choices"][0] == "浦东新区"
    assert orgs["纽约校友会"].province == "海外"
    finance = orgs["金融行业校友会"]
    assert (finance.kind, finance.industry) == ("industry", "金融")
    assert allocation_for(org=finance).allocated == 100
    assert orgs["校友羽毛球俱乐部"].approval_mode == "automatic"
    assert AlumniRecord.objects.exclude(industry="").count() > 30

    # A rerun changes nothing, not even what an admin edited since.
    organization_update(
        actor=None,
        org=shanghai,
        changes={"join_form": [{"key": "company", "label": "单位", "type": "text"}]},
    )
    entries = AuditEntry.objects.count()
    seed_demo(record_count=60)
    assert AuditEntry.objects.count() == entries
    assert Organization.objects.get(pk=shanghai.pk).join_form[0]["key"] == "company"
    assert allocation_for(org=root).allocated == 1000


def test_an_organizations_sms_is_its_allocation_set_by_platform_admins(
    org_tree, platform_admin, college_admin
):
    """There is no separate SMS balance to top up: platform admins set the organization's
    allocation of the school's quota (messaging), audited against the organization."""
    from xiaoyou.messaging.services.quota import allocation_for, allocation_set, local_today

    year = local_today().year
    with pytest.raises(PermissionDenied):
        allocation_set(actor=college_admin, org=org_tree.college, year=year, allocated=100)
    allocation_set(actor=platform_admin, org=org_tree.college, year=year, allocated=100)
    allocation_set(actor=platform_admin, org=org_tree.college, year=year, allocated=150)
    assert allocation_for(org=org_tree.college).remaining == 150
    entry = AuditEntry.objects.filter(action="messaging.sms_allocation.set").order_by("pk").last()
    assert (entry.org_id, entry.changes["allocated"]) == (org_tree.college.pk, [100, 150])
