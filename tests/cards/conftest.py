"""Fixtures of the cloud card tests: the main association's programme, a partner with its own
partner community and staff, and verified card holders (a verified alumni record linked to a
member of the main association)."""

from __future__ import annotations

import pytest

from tests.cards.factories import CardProgramFactory, PartnerFactory
from tests.factories import AlumniRecordFactory, OrganizationFactory, UserFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.organizations.models import OrganizationKind, Role
from xiaoyou.organizations.services import role_grant


def make_verified(user, org, *, name: str = "张伟", is_key: bool = False):
    """Links a verified alumni record of `org` to `user` (as an approved claim would)."""
    return AlumniRecordFactory(
        org=org,
        name=name,
        user=user,
        verification=VerificationState.VERIFIED,
        is_key_alumnus=is_key,
        class_name="计科1班",
    )


@pytest.fixture
def program(org_tree):
    return CardProgramFactory(org=org_tree.root, name="示范大学校友云卡")


@pytest.fixture
def main_admin(org_tree):
    user = UserFactory(display_name="总会秘书处", is_staff=True)
    role_grant(actor=None, user=user, org=org_tree.root, role=Role.ADMIN)
    return user


def partner_with_staff(program, name: str, benefit: str = "客房七折"):
    community = OrganizationFactory(
        name=f"{name}社区", kind=OrganizationKind.PARTNER, parent=program.org
    )
    staff = UserFactory(display_name=f"{name}前台")
    role_grant(actor=None, user=staff, org=community, role=Role.ADMIN)
    partner = PartnerFactory(program=program, name=name, benefit=benefit, community=community)
    return partner, staff


@pytest.fixture
def hotel(program):
    return partner_with_staff(program, "校友酒店")


@pytest.fixture
def holder(verified_alumnus, org_tree):
    """A verified alumnus, member of the main association (no card yet)."""
    make_verified(verified_alumnus, org_tree.root, name="张伟")
    return verified_alumnus
