"""Organizations (校友总会 and its college, regional, industry associations and clubs) and roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class OrganizationKind(models.TextChoices):
    MAIN = "main", _("Main association")  # 校友总会
    COLLEGE = "college", _("College association")  # 学院校友会
    REGIONAL = "regional", _("Regional association")  # 地方校友会
    INDUSTRY = "industry", _("Industry association")  # 行业校友会
    CLUB = "club", _("Club")  # 俱乐部
    PARTNER = "partner", _("Partner community")


class Organization(TimeStampedModel):
    """A node of the organization tree; `path` ("/1/4/9/") makes subtree queries one index scan."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    school_name = models.CharField(_("school name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    introduction = models.TextField(_("introduction"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="orgs/logos/", blank=True)
    cover = models.ImageField(_("cover"), upload_to="orgs/covers/", blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this organization itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Administrator")
    PRESIDENT = "president", _("President")


ROLE_RANK = {Role.MEMBER: 1, Role.ADMIN: 2, Role.PRESIDENT: 3}


class OrgRole(TimeStampedModel):
    """A user's role in an organization; admin and president roles reach down the tree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_roles"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("organization role")
        verbose_name_plural = _("organization roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="one_role_per_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(TimeStampedModel):
    """入会申请: a user asks to become a member of an organization; its admins decide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    org = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
        db_index=True,
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request_per_user_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.org}"
