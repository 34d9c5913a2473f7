"""Organizations (校友总会 and its college, regional, industry associations and clubs) and roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoyou.core.models import TimeStampedModel


class OrganizationKind(models.TextChoices):
    MAIN = "main", _("Main association")  # 校友总会
    COLLEGE = "college", _("College association")  # 学院校友会
    REGIONAL = "regional", _("Regional association")  # 地方校友会
    INDUSTRY = "industry", _("Industry association")  # 行业校友会
    CLUB = "club", _("Club")  # 俱乐部
    PARTNER = "partner", _("Partner community")


class ApprovalMode(models.TextChoices):
    """How join requests are decided."""

    AUTOMATIC = "automatic", _("Automatic")
    MANUAL = "manual", _("Manual review")
    # Automatic when the applicant is matched to an alumni record, manual review otherwise.
    MATCHED = "matched", _("Automatic when matched to an alumni record")


class ContentReviewMode(models.TextChoices):
    """Default moderation of content (events, posts, photos) posted in the organization."""

    NONE = "none", _("Publish at once")
    PRE = "pre", _("Review before publishing")
    POST = "post", _("Publish, review afterwards")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: listed in the directory")
    UNLISTED = "unlisted", _("Unlisted: reachable by link")
    PRIVATE = "private", _("Private: by invitation only")


class JoinFieldType(models.TextChoices):
    """Types of the configurable join-form fields (stored in Organization.join_form)."""

    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    FILE = "file", _("File")


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
    # 组织管理 (issue 3): profile, joining rules and moderation defaults.
    province = models.CharField(_("province"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    department = models.ForeignKey(
        "alumni.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For college associations: the department whose alumni it gathers."),
    )
    joining_requirements = models.TextField(_("joining requirements"), blank=True)
    # A list of {"key", "label", "type" (JoinFieldType), "required", "choices", "help"}.
    join_form = models.JSONField(_("join form"), default=list, blank=True)
    approval_mode = models.CharField(
        _("approval mode"), max_length=16, choices=ApprovalMode.choices, default=ApprovalMode.MANUAL
    )
    content_review_mode = models.CharField(
        _("content review"),
        max_length=16,
        choices=ContentReviewMode.choices,
        default=ContentReviewMode.PRE,
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=300, blank=True)
    # The texts an organization sends (invitations, notices) draw from its allocation of the
    # school's annual SMS quota: messaging.SmsAllocation.

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
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # True when this request edits the information of an existing member (re-review).
    is_update = models.BooleanField(_("information update"), default=False)
    matched_record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("matched alumni record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

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


class JoinRequestFile(models.Model):
    """A file uploaded in a join form's file field."""

    request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=40)
    file = models.FileField(upload_to="orgs/join-files/%Y/%m/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.original_name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")
    BANNED = "banned", _("Banned")


class MembershipSource(models.TextChoices):
    APPLICATION = "application", _("Application")
    IMPORTED = "imported", _("Imported by staff")
    INVITATION = "invitation", _("Invitation")
    IMPLIED = "implied", _("Member of a sub-organization")


class MemberGroup(TimeStampedModel):
    """分组: a named group of members inside one organization."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="member_groups")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="unique_group_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """会员: a person's membership of one organization, registered (user) or imported (no user).

    An active membership with a user goes with an OrgRole(member) row, which the policy engine
    reads; the services keep the two together.
    """

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    alumni_record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("alumni record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
        db_index=True,
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=MembershipSource.choices,
        default=MembershipSource.APPLICATION,
    )
    joined_at = models.DateTimeField(_("joined at"), db_index=True)
    answers = models.JSONField(_("join information"), default=dict, blank=True)
    groups = models.ManyToManyField(MemberGroup, blank=True, related_name="members")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-joined_at"]
        indexes = [models.Index(fields=["org", "status", "joined_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "user"],
                condition=models.Q(user__isnull=False),
                name="one_membership_per_user_org",
            ),
            models.UniqueConstraint(
                fields=["org", "phone"],
                condition=models.Q(user__isnull=True) & ~models.Q(phone=""),
                name="one_imported_membership_per_phone_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.org}"


class LinkKind(models.TextChoices):
    SISTER = "sister", _("Sister organization")
    PARTNER = "partner", _("Partner")
    RELATED = "related", _("Related")


class OrganizationLink(TimeStampedModel):
    """A cross link between two organizations outside the parent/child tree."""

    from_org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="links_out")
    to_org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(
        _("type"), max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organization link")
        verbose_name_plural = _("organization links")
        constraints = [
            models.UniqueConstraint(fields=["from_org", "to_org"], name="one_link_per_org_pair"),
            models.CheckConstraint(
                condition=~models.Q(from_org=models.F("to_org")), name="no_link_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_org} ↔ {self.to_org}"


class InvitationKind(models.TextChoices):
    ROLE = "role", _("Leadership role")  # 邀请担任会长/管理员
    JOIN = "join", _("Join the organization")  # 邀请加入


class InvitationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    LINK = "link", _("Link or QR code")


class Invitation(TimeStampedModel):
    """An invitation code: single-use for roles, multi-use join links; always expiring."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(_("type"), max_length=16, choices=InvitationKind.choices)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    channel = models.CharField(_("channel"), max_length=16, choices=InvitationChannel.choices)
    code = models.CharField(max_length=32, unique=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    name = models.CharField(_("invitee name"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    max_uses = models.PositiveIntegerField(_("maximum uses"), default=1)
    use_count = models.PositiveIntegerField(_("uses"), default=0)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.org}"
