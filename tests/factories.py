"""factory_boy factories for every model of the foundation."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from xiaoyou.accounts.models import User
from xiaoyou.organizations.models import Organization, OrganizationKind, OrgRole, Role


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"校友{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    phone_verified = True
    password = factory.django.Password("correct-horse-battery-staple")


class OrganizationFactory(DjangoModelFactory):
    """Builds an organization through the service so its tree path is right."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"校友会{n}")
    kind = OrganizationKind.COLLEGE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from xiaoyou.organizations.services import organization_create

        return organization_create(actor=None, **kwargs)


class OrgRoleFactory(DjangoModelFactory):
    class Meta:
        model = OrgRole

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER
