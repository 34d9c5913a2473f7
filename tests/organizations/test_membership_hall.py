"""Hall pages of membership: directory, an organization's home page, joining (inline errors,
files, approval modes), the result with recommendations, one-tap join, my organizations and
applications, re-editing my information, leaving, and the registry entries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.organizations.membership_support import (  # noqa: F401 - fixtures by name
    GOOD_ANSWERS,
    english_fixture,
    media_fixture,
    pdf,
    set_join_rules,
)
from xiaoyou.core.registry import OrgSection, org_home_sections
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinRequest,
    JoinRequestFile,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    OrganizationKind,
    Visibility,
)
from xiaoyou.organizations.services import join_request_submit, role_grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def person(db):
    return UserFactory(display_name="李雷", language="en")


def _html(response) -> str:
    return response.content.decode()


# --- Directory and home page ---------------------------------------------------------------------


def test_the_directory_lists_public_organizations_by_type_with_search(client, org_tree):
    OrganizationFactory(
        name="上海私密会", kind=OrganizationKind.REGIONAL, parent=org_tree.root,
        visibility=Visibility.PRIVATE,
    )  # fmt: skip
    OrganizationFactory(
        name="链接可达会", kind=OrganizationKind.REGIONAL, parent=org_tree.root,
        visibility=Visibility.UNLISTED,
    )  # fmt: skip
    OrganizationFactory(
        name="已归档会", kind=OrganizationKind.REGIONAL, parent=org_tree.root,
        archived_at=timezone.now(),
    )  # fmt: skip
    MembershipFactory(org=org_tree.regional)
    url = reverse("hall:org_directory")
    response = client.get(url)
    assert response.status_code == 200
    assert [org.name for org in response.context["page"].object_list] == [
        "示范大学校友总会",
        "计算机学院校友会",
        "计算机学院羽毛球俱乐部",
        "经济学院校友会",
        "上海校友会",
    ]
    regional = client.get(url, {"kind": "regional"})
    assert [(org.name, org.member_total) for org in regional.context["page"].object_list] == [
        ("上海校友会", 1)
    ]
    assert "1 member" in _html(regional)
    searched = client.get(url, {"q": "计算机"})
    assert [org.name for org in searched.context["page"].object_list] == [
        "计算机学院校友会",
        "计算机学院羽毛球俱乐部",
    ]
    nothing = client.get(url, {"q": "火星"})
    assert list(nothing.context["page"].object_list) == []
    assert "No organization matches" in _html(nothing)


def test_the_home_page_shows_the_org_its_leaders_and_the_join_button(
    client, org_tree, regional_admin
):
    org = org_tree.regional
    org.introduction = "<p>欢迎<strong>上海</strong>校友</p>"
    org.joining_requirements = "在沪工作或生活的校友"
    org.save(update_fields=["introduction", "joining_requirements"])
    MembershipFactory(org=org)
    MembershipFactory(org=org, status=MembershipStatus.LEFT)
    response = client.get(reverse("hall:org_detail", args=[org.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert "<p>欢迎<strong>上海</strong>校友</p>" in html
    assert "在沪工作或生活的校友" in html
    assert "1 member" in html
    assert [role.user for role in response.context["leaders"]] == [regional_admin]
    assert f'href="{reverse("hall:org_join", args=[org.pk])}" data-action="join"' in html
    assert 'property="og:title" content="上海校友会"' in html
    # The "upcoming activity" slot stays empty until a module registers a section.
    assert 'class="card org-section"' not in html


def test_modules_plug_sections_into_the_home_page(client, org_tree):
    org_home_sections.add(
        OrgSection(
            key="test_upcoming",
            label="Upcoming",
            render=lambda request, org: f"<p>活动 of {org.name}</p>" if org.parent_id else "",
        )
    )
    try:
        html = _html(client.get(reverse("hall:org_detail", args=[org_tree.college.pk])))
        assert '<section class="card org-section" data-section="test_upcoming"' in html
        assert "<p>活动 of 计算机学院校友会</p>" in html
        root = _html(client.get(reverse("hall:org_detail", args=[org_tree.root.pk])))
        assert 'data-section="test_upcoming"' not in root
    finally:
        org_home_sections.items.pop("test_upcoming")


def test_private_pages_are_for_members_and_admins_only(client, org_tree, person, college_admin):
    org = org_tree.club
    org.visibility = Visibility.PRIVATE
    org.save(update_fields=["visibility"])
    url = reverse("hall:org_detail", args=[org.pk])
    assert client.get(url).status_code == 404
    client.force_login(person)
    assert client.get(url).status_code == 404
    assert client.get(reverse("hall:org_join", args=[org.pk])).status_code == 404
    MembershipFactory(org=org, user=person)
    assert client.get(url).status_code == 200
    client.force_login(college_admin)
    assert client.get(url).status_code == 200


def test_the_join_area_says_where_the_visitor_stands(client, org_tree, person):
    url = reverse("hall:org_detail", args=[org_tree.college.pk])
    client.force_login(person)
    join_request_submit(actor=person, org=org_tree.college, answers={})
    assert 'data-state="pending"' in _html(client.get(url))
    MembershipFactory(org=org_tree.regional, user=person)
    assert 'data-state="member"' in _html(
        client.get(reverse("hall:org_detail", args=[org_tree.regional.pk]))
    )
    org_tree.other_college.archived_at = timezone.now()
    org_tree.other_college.save(update_fields=["archived_at"])
    archived = client.get(reverse("hall:org_detail", args=[org_tree.other_college.pk]))
    assert 'data-state="archived"' in _html(archived)


# --- Joining -------------------------------------------------------------------------------------


def test_signed_out_visitors_sign_in_first_and_come_back(client, org_tree):
    url = reverse("hall:org_join", args=[org_tree.college.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('account_login')}?next=%2Forgs%2F{org_tree.college.pk}%2Fjoin"
    )


def test_missing_required_fields_show_inline_and_create_nothing(client, org_tree, person):
    set_join_rules(org_tree.college)
    client.force_login(person)
    url = reverse("hall:org_join", args=[org_tree.college.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields) == [
        "name",
        "graduation_year",
        "degree",
        "interests",
        "birthday",
        "intro",
        "diploma",
    ]
    response = client.post(url, {"name": "", "degree": "本科"})
    assert response.status_code == 400
    html = _html(response)
    assert "Please correct the errors in the join form." in html
    assert 'class="form-field has-error" data-field="name"' in html
    assert 'class="form-field has-error" data-field="graduation_year"' in html
    assert 'class="form-field has-error" data-field="degree"' not in html
    assert html.count("This field is required.") == 2
    assert JoinRequest.objects.count() == 0


def test_a_complete_form_with_a_file_goes_to_review(client, org_tree, person, media):
    set_join_rules(org_tree.college)
    client.force_login(person)
    url = reverse("hall:org_join", args=[org_tree.college.pk])
    response = client.post(
        url,
        {
            "name": "李雷",
            "graduation_year": "2012",
            "degree": "本科",
            "interests": ["羽毛球", "读书"],
            "diploma": pdf(),
            "join_message": "2008 级",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("hall:org_join_result", args=[org_tree.college.pk])
    join_request = JoinRequest.objects.get()
    assert join_request.status == JoinRequestStatus.PENDING
    assert join_request.message == "2008 级"
    assert join_request.answers["interests"] == ["羽毛球", "读书"]
    assert JoinRequestFile.objects.get().original_name == "毕业证.pdf"
    result = client.get(response["Location"])
    assert 'data-join-result="pending"' in _html(result)
    # Asking again leads to the pending request, not a second one.
    again = client.get(url)
    assert again.status_code == 302
    assert JoinRequest.objects.count() == 1


def test_joining_the_main_association_suggests_the_department_college(client, org_tree, person):
    department = DepartmentFactory()
    org_tree.college.department = department
    org_tree.college.save(update_fields=["department"])
    AlumniRecordFactory(org=org_tree.root, user=person, department=department, city="上海")
    set_join_rules(org_tree.root, mode=ApprovalMode.AUTOMATIC, form=[])
    client.force_login(person)
    response = client.post(reverse("hall:org_join", args=[org_tree.root.pk]), {})
    assert response.status_code == 302
    result = client.get(response["Location"])
    html = _html(result)
    assert 'data-join-result="member"' in html
    assert "You may want to join" in html
    assert [item.org for item in result.context["recommendations"]] == [
        org_tree.college,
        org_tree.regional,
    ]
    # One tap: the college reviews joins but asks nothing, so the request goes straight in.
    tap = client.post(reverse("hall:org_quick_join", args=[org_tree.college.pk]))
    assert tap["Location"] == reverse("hall:org_join_result", args=[org_tree.college.pk])
    assert JoinRequest.objects.get(org=org_tree.college).status == JoinRequestStatus.PENDING
    # A join form with required fields opens instead.
    set_join_rules(org_tree.regional)
    tap = client.post(reverse("hall:org_quick_join", args=[org_tree.regional.pk]))
    assert tap["Location"] == reverse("hall:org_join", args=[org_tree.regional.pk])
    assert not JoinRequest.objects.filter(org=org_tree.regional).exists()


def test_the_hall_home_recommends_only_to_main_members(client, org_tree, person):
    department = DepartmentFactory()
    org_tree.college.department = department
    org_tree.college.save(update_fields=["department"])
    AlumniRecordFactory(org=org_tree.root, user=person, department=department)
    client.force_login(person)
    assert "data-recommendations" not in _html(client.get(reverse("hall:home")))
    MembershipFactory(org=org_tree.root, user=person)
    html = _html(client.get(reverse("hall:home")))
    assert "data-recommendations" in html
    assert f'data-recommended-org="{org_tree.college.pk}"' in html
    client.logout()
    assert "data-recommendations" not in _html(client.get(reverse("hall:home")))


# --- My organizations ------------------------------------------------------------------------


def test_my_orgs_and_applications(client, org_tree, person, college_admin):
    set_join_rules(org_tree.regional, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=person, org=org_tree.regional, answers={})
    join_request_submit(actor=person, org=org_tree.college, answers={})
    client.force_login(person)
    mine = client.get(reverse("hall:my_orgs"))
    assert [m.org.name for m in mine.context["memberships"]] == ["示范大学校友总会", "上海校友会"]
    assert "through a sub-organization" in _html(mine)
    assert mine.context["pending_count"] == 1
    applications = client.get(reverse("hall:my_applications"))
    assert [(item.org.name, item.status) for item in applications.context["page"].object_list] == [
        ("计算机学院校友会", "pending"),
        ("上海校友会", "approved"),
    ]
    center = _html(client.get(reverse("hall:me")))
    assert 'data-entry="my_orgs"' in center
    assert "2 organizations · my applications" in center


def test_re_editing_my_information(client, org_tree, person, media):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request_submit(
        actor=person, org=org_tree.college, answers=GOOD_ANSWERS, files={"diploma": pdf()}
    )
    client.force_login(person)
    url = reverse("hall:org_my_info", args=[org_tree.college.pk])
    page = client.get(url)
    assert page.context["form"]["name"].value() == "李雷"
    # The file on record stays optional.
    assert page.context["form"].fields["diploma"].required is False
    bad = client.post(url, {"name": "", "graduation_year": "2012", "degree": "本科"})
    assert bad.status_code == 400
    assert 'class="form-field has-error" data-field="name"' in _html(bad)
    saved = client.post(url, {"name": "李雷", "graduation_year": "2013", "degree": "硕士"})
    assert saved.status_code == 302
    membership = Membership.objects.get(org=org_tree.college, user=person)
    assert (membership.answers["graduation_year"], membership.answers["degree"]) == (2013, "硕士")
    assert membership.answers["diploma"]["name"] == "毕业证.pdf"
    # Under review the change waits and the page says so.
    set_join_rules(org_tree.college, mode=ApprovalMode.MANUAL)
    client.post(url, {"name": "李雷", "graduation_year": "2014", "degree": "硕士"})
    membership.refresh_from_db()
    assert membership.answers["graduation_year"] == 2013
    assert 'data-state="pending"' in _html(client.get(url))


def test_leaving_asks_first_and_names_the_sub_organizations(client, org_tree, person):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC, form=[])
    set_join_rules(org_tree.club, mode=ApprovalMode.AUTOMATIC, form=[])
    join_request_submit(actor=person, org=org_tree.college, answers={})
    join_request_submit(actor=person, org=org_tree.club, answers={})
    client.force_login(person)
    url = reverse("hall:org_leave", args=[org_tree.college.pk])
    page = client.get(url)
    assert [org.name for org in page.context["also"]] == ["计算机学院羽毛球俱乐部"]
    assert Membership.objects.filter(user=person, status="active").count() == 3
    response = client.post(url)
    assert response["Location"] == reverse("hall:my_orgs")
    assert dict(Membership.objects.filter(user=person).values_list("org_id", "status")) == {
        org_tree.root.pk: "active",
        org_tree.college.pk: "left",
        org_tree.club.pk: "left",
    }
    assert client.get(url).status_code == 404


def test_other_peoples_pages_are_not_mine(client, org_tree, person):
    client.force_login(person)
    assert client.get(reverse("hall:org_my_info", args=[org_tree.college.pk])).status_code == 404
    assert client.get(reverse("hall:org_leave", args=[org_tree.college.pk])).status_code == 404


def test_a_leader_of_the_org_is_listed_once(client, org_tree, regional_admin):
    from xiaoyou.organizations.models import Role

    role_grant(actor=None, user=regional_admin, org=org_tree.regional, role=Role.PRESIDENT)
    response = client.get(reverse("hall:org_detail", args=[org_tree.regional.pk]))
    assert [(role.user, role.role) for role in response.context["leaders"]] == [
        (regional_admin, "president")
    ]
