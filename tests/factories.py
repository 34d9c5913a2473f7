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


# --- Audit log, review queue, notifications, join requests ------------------------------------


class AuditEntryFactory(DjangoModelFactory):
    """Appends through audit.record so the entry is chained like any real one."""

    class Meta:
        model = "core.AuditEntry"

    actor = factory.SubFactory(UserFactory)
    action = "test.change"
    obj = factory.SubFactory(OrganizationFactory)
    org = None
    changes = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from xiaoyou.core import audit

        return audit.record(**kwargs)


class JoinRequestFactory(DjangoModelFactory):
    """A pending join request, submitted through the service so it is in the review queue."""

    class Meta:
        model = "organizations.JoinRequest"

    # An unusable password: applicants here never sign in, and hashing one costs ~0.3 s.
    user = factory.SubFactory(UserFactory, password=factory.Transformer.Force("!unusable"))
    org = factory.SubFactory(OrganizationFactory)
    message = factory.Sequence(lambda n: f"我是第{n}届校友,希望加入。")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from xiaoyou.organizations.services import join_request_submit

        return join_request_submit(
            actor=kwargs["user"], org=kwargs["org"], message=kwargs["message"]
        )


class ReviewItemFactory(DjangoModelFactory):
    """A pending review item: the one a join request puts in the queue."""

    class Meta:
        model = "core.ReviewItem"

    join_request = factory.SubFactory(JoinRequestFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        join_request = kwargs["join_request"]
        return model_class.objects.get(
            content_type=ContentType.objects.get_for_model(join_request),
            object_id=str(join_request.pk),
        )


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "core.Notification"

    user = factory.SubFactory(UserFactory)
    kind = "review.decided"
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "正文"


class NotificationPreferenceFactory(DjangoModelFactory):
    class Meta:
        model = "core.NotificationPreference"

    user = factory.SubFactory(UserFactory)
    kind = "review.decided"
    channel = "email"
    is_enabled = False


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = "core.Delivery"

    user = factory.SubFactory(UserFactory)
    kind = "review.decided"
    channel = "email"
    payload = factory.LazyFunction(
        lambda: {"parts": {"subject": "主题", "text": "正文", "html": "<p>正文</p>"}, "context": {}}
    )


# --- Invitations (organizations) ----------------------------------------------------------------


def _invitation_code() -> str:
    from xiaoyou.organizations.services.invitations import new_code

    return new_code()


def _in_a_week():
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=7)


class InvitationFactory(DjangoModelFactory):
    """A join link by default (`role_invitation=True`: a single-use admin invitation); the code is
    random like a real one. `created_by=None` means the system made it (no inviter to re-check)."""

    class Meta:
        model = "organizations.Invitation"

    class Params:
        role_invitation = factory.Trait(kind="role", role="admin", max_uses=1)

    org = factory.SubFactory(OrganizationFactory)
    kind = "join"
    role = "member"
    channel = "link"
    code = factory.LazyFunction(_invitation_code)
    expires_at = factory.LazyFunction(_in_a_week)
    max_uses = 10_000
    created_by = None


# --- Organization management: cross links, member groups -----------------------------------


class OrganizationLinkFactory(DjangoModelFactory):
    """A cross link between two organizations (made directly: the service needs an actor)."""

    class Meta:
        model = "organizations.OrganizationLink"

    from_org = factory.SubFactory(OrganizationFactory)
    to_org = factory.SubFactory(OrganizationFactory)
    kind = "sister"
    note = ""


class MemberGroupFactory(DjangoModelFactory):
    class Meta:
        model = "organizations.MemberGroup"

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"分组{n}")
    description = ""


# --- Membership ---------------------------------------------------------------------------------


def _now():
    from django.utils import timezone

    return timezone.now()


class MembershipFactory(DjangoModelFactory):
    """An active membership of a registered user (made directly, without the member role; use
    membership_activate when the role matters). `user=None` with a phone makes an imported one."""

    class Meta:
        model = "organizations.Membership"

    org = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory, password=factory.Transformer.Force("!unusable"))
    name = factory.LazyAttribute(lambda obj: obj.user.display_name if obj.user else "导入校友")
    phone = factory.LazyAttribute(lambda obj: (obj.user.phone or "") if obj.user else "")
    status = "active"
    source = "application"
    joined_at = factory.LazyFunction(_now)


class JoinRequestFileFactory(DjangoModelFactory):
    class Meta:
        model = "organizations.JoinRequestFile"

    request = factory.SubFactory(JoinRequestFactory)
    field_key = "diploma"
    file = factory.django.FileField(filename="毕业证.pdf", data=b"%PDF-1.4 test")
    original_name = "毕业证.pdf"
    size = 13


# --- Alumni archive (issue 4): degrees, contacts, tags, custom fields, history ---------------


class DegreeEntryFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.DegreeEntry"

    record = factory.SubFactory(AlumniRecordFactory)
    level = "bachelor"
    department = factory.SelfAttribute("record.department")
    major = factory.SelfAttribute("record.major")
    student_id = factory.SelfAttribute("record.student_id")
    enrollment_year = 2010
    graduation_year = 2014
    is_primary = True


class ContactPointFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.ContactPoint"

    record = factory.SubFactory(AlumniRecordFactory)
    kind = "phone"
    value = factory.Sequence(lambda n: f"139{n:08d}")
    is_current = True
    source = "admin"


class TagFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.Tag"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")


class CustomFieldFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.CustomField"

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    type = "text"


class RecordChangeFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.RecordChange"

    record = factory.SubFactory(AlumniRecordFactory)
    field = "city"
    old_value = "北京"
    new_value = "上海"
    source = "admin"


class DepartmentAliasFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.DepartmentAlias"

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"旧名{n}")


# --- Alumni identity claims and duplicates (issue 4) -------------------------------------------


class RecordClaimFactory(DjangoModelFactory):
    class Meta:
        model = "alumni.RecordClaim"

    user = factory.SubFactory(UserFactory)
    record = factory.SubFactory(AlumniRecordFactory)
    evidence = factory.LazyAttribute(lambda claim: {"name": claim.record.name})
    score = 70
    status = "pending"


class DuplicateCandidateFactory(DjangoModelFactory):
    """Pass `first` and `second` with first.id < second.id (the table's check constraint)."""

    class Meta:
        model = "alumni.DuplicateCandidate"

    first = factory.SubFactory(AlumniRecordFactory)
    second = factory.SubFactory(AlumniRecordFactory)
    score = 90
    reasons = factory.LazyFunction(lambda: ["phone"])
    status = "open"


# --- Discovery (知名校友, issue 12) ---------------------------------------------------------------


class CrawlRunFactory(DjangoModelFactory):
    class Meta:
        model = "discovery.CrawlRun"

    org = factory.SubFactory(OrganizationFactory)
    sources = factory.LazyFunction(lambda: ["government"])
    status = "finished"


def _now():
    from django.utils import timezone

    return timezone.now()


class NotableCandidateFactory(DjangoModelFactory):
    class Meta:
        model = "discovery.NotableCandidate"

    org = factory.SubFactory(OrganizationFactory)
    source = "government"
    external_key = factory.Sequence(lambda n: f"https://gov.example/leaders/{n}.html")
    name = factory.Sequence(lambda n: f"候选{n}")
    source_url = factory.SelfAttribute("external_key")
    evidence = "1981.09-1985.07 示范大学计算机系学习"
    retrieved_at = factory.LazyFunction(_now)
    confidence = 85
    field = "government"


class NotableAlumnusFactory(DjangoModelFactory):
    class Meta:
        model = "discovery.NotableAlumnus"

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"校友{n}")
    field = "business"
    visibility = "internal"
