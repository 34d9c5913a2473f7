"""Fixtures shared by the whole suite: the organization tree and the named personas.

Personas and their rights:
- platform_admin: superuser and admin of the main association; may do everything everywhere.
- college_admin: staff, admin of the College of Computing (学院) and so of its club; nothing else.
- regional_admin: staff, admin of the Shanghai association (地方); nothing else.
- verified_alumnus: member of the main association and of the college; no console rights.
- unverified_user: signed up, phone verified, member of nothing.
- outsider: an account with no relation to the school at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest_worker import (  # noqa: F401 - fixtures for @pytest.mark.worker tests
    celery_broker_environment,
    celery_worker_imports,
    celery_worker_process,
    start_celery_worker,
)
from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.organizations.models import Organization, OrganizationKind, Role
from xiaoyou.organizations.services import role_grant


@dataclass
class OrgTree:
    root: Organization
    college: Organization
    club: Organization
    other_college: Organization
    regional: Organization


@pytest.fixture
def org_tree(db) -> OrgTree:
    root = OrganizationFactory(
        name="示范大学校友总会", kind=OrganizationKind.MAIN, school_name="示范大学"
    )
    college = OrganizationFactory(
        name="计算机学院校友会", kind=OrganizationKind.COLLEGE, parent=root
    )
    club = OrganizationFactory(
        name="计算机学院羽毛球俱乐部", kind=OrganizationKind.CLUB, parent=college
    )
    other = OrganizationFactory(name="经济学院校友会", kind=OrganizationKind.COLLEGE, parent=root)
    regional = OrganizationFactory(
        name="上海校友会", kind=OrganizationKind.REGIONAL, parent=root, city="上海"
    )
    return OrgTree(root=root, college=college, club=club, other_college=other, regional=regional)


def _with_role(org: Organization, role: str, **user_fields):
    user = UserFactory(**user_fields)
    role_grant(actor=None, user=user, org=org, role=role)
    return user


@pytest.fixture
def platform_admin(org_tree):
    return _with_role(
        org_tree.root, Role.ADMIN, is_staff=True, is_superuser=True, display_name="平台管理员"
    )


@pytest.fixture
def college_admin(org_tree):
    return _with_role(org_tree.college, Role.ADMIN, is_staff=True, display_name="学院管理员")


@pytest.fixture
def regional_admin(org_tree):
    return _with_role(org_tree.regional, Role.ADMIN, is_staff=True, display_name="地方管理员")


@pytest.fixture
def verified_alumnus(org_tree):
    user = _with_role(org_tree.root, Role.MEMBER, display_name="张伟")
    role_grant(actor=None, user=user, org=org_tree.college, role=Role.MEMBER)
    return user


@pytest.fixture
def unverified_user(db):
    return UserFactory(display_name="新用户")


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="路人")
