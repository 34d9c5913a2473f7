from __future__ import annotations

import pytest

from xiaoyou.core import policy
from xiaoyou.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_admin_role_reaches_down_the_tree_but_not_sideways(org_tree, college_admin):
    assert policy.can(college_admin, "change", org_tree.college)
    assert policy.can(college_admin, "change", org_tree.club)
    assert not policy.can(college_admin, "change", org_tree.other_college)
    assert not policy.can(college_admin, "change", org_tree.root)


def test_scoped_queryset_keeps_only_the_admins_subtree(org_tree, college_admin, regional_admin):
    names = set(
        policy.scoped(Organization.objects.all(), college_admin, "change").values_list(
            "name", flat=True
        )
    )
    assert names == {"计算机学院校友会", "计算机学院羽毛球俱乐部"}
    names = set(
        policy.scoped(Organization.objects.all(), regional_admin, "change").values_list(
            "name", flat=True
        )
    )
    assert names == {"上海校友会"}


def test_platform_admin_sees_everything_and_outsider_nothing(org_tree, platform_admin, outsider):
    assert policy.scoped(Organization.objects.all(), platform_admin, "change").count() == 5
    assert policy.scoped(Organization.objects.all(), outsider, "change").count() == 0
    assert not policy.can(outsider, "view", org_tree.root)


def test_members_cannot_administer(org_tree, verified_alumnus):
    assert policy.can(verified_alumnus, "view", org_tree.college)
    assert not policy.can(verified_alumnus, "change", org_tree.college)


def test_require_raises_permission_denied(org_tree, regional_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy.require(regional_admin, "change", org_tree.college)
