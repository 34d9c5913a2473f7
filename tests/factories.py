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


# --- API tokens and alumni records (api and alumni apps) -----------------------------------


class ApiTokenFactory(DjangoModelFactory):
    """Creates a token through the service; the full token string is on `.plain` (never saved)."""

    class Meta:
        model = "api.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"脚本{n}")
    expires_at = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from xiaoyou.api.services import api_token_create

        user = kwargs["user"]
        token, plain = api_token_create(
            actor=user, user=user, name=kwargs["name"], expires_at=kwargs.get("expires_at")
        )
        token.plain = plain
        return token


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.Department"

    name = factory.Sequence(lambda n: f"第{n}学院")
    code = factory.Sequence(lambda n: f"D{n:03d}")
    org = None


class MajorFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.Major"

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"专业{n}")


class AlumniRecordFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.AlumniRecord"

    org = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.MAIN)
    name = factory.Sequence(lambda n: f"李{n}")
    gender = "male"
    student_id = factory.Sequence(lambda n: f"2010011{n:04d}")
    department = factory.SubFactory(DepartmentFactory)
    major = factory.SubFactory(MajorFactory, department=factory.SelfAttribute("..department"))
    degree_level = "bachelor"
    enrollment_year = 2010
    graduation_year = 2014
