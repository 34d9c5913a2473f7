"""Invitations (邀请): leadership roles by SMS or link, and share links to join an organization.

Two kinds share one model:
- role invitations (邀请担任会长/管理员): single-use, offer the admin or president role; sent by
  SMS (drawn from the organization's allocation of the school's SMS quota, see
  messaging/services/quota.py) or shown as a link and QR code;
- join invitations (邀请加入): a multi-use, expiring share link whose use submits a join request
  carrying the invitation (private organizations accept joins only that way).

The code is the secret: 16 random base32 characters (80 bits), so it cannot be guessed, and
every use goes through one conditional UPDATE so a single-use code is never used twice.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.organizations.models import (
    Invitation,
    InvitationChannel,
    InvitationKind,
    MembershipSource,
    Organization,
    OrgRole,
    Role,
)

# --- error codes -------------------------------------------------------------------------------
INVITATION_UNKNOWN = "invitation_unknown"
INVITATION_EXPIRED = "invitation_expired"
INVITATION_REVOKED = "invitation_revoked"
INVITATION_USED = "invitation_used"
INVITATION_PHONE_MISMATCH = "invitation_phone_mismatch"
INVITATION_ROLE_HELD = "invitation_role_held"
INVITATION_WRONG_ORG = "invitation_wrong_org"
INVITATION_ORG_INACTIVE = "invitation_org_inactive"
INVITATION_BAD_ROLE = "invitation_bad_role"
INVITATION_BAD_EXPIRY = "invitation_bad_expiry"
INVITATION_BAD_MAX_USES = "invitation_bad_max_uses"
INVITATION_PHONE_REQUIRED = "invitation_phone_required"
INVITATION_SMS_FAILED = "invitation_sms_failed"
INVITATION_ALREADY_REVOKED = "invitation_already_revoked"

register_messages(
    {
        # 邀请码不存在
        INVITATION_UNKNOWN: _("This invitation code does not exist. Check the link you received."),
        # 邀请已过期
        INVITATION_EXPIRED: _("This invitation has expired. Ask the organization for a new one."),
        # 邀请已被撤回
        INVITATION_REVOKED: _("This invitation was withdrawn by the organization."),
        # 邀请已被使用
        INVITATION_USED: _("This invitation has already been used."),
        INVITATION_PHONE_MISMATCH: _(
            "This invitation was sent to another mobile number. "
            "Sign in with the verified number that received it."
        ),
        INVITATION_ROLE_HELD: _("You already hold this role in the organization."),
        INVITATION_WRONG_ORG: _("This invitation is not for joining this organization."),
        INVITATION_ORG_INACTIVE: _("This organization is not active."),
        INVITATION_BAD_ROLE: _("A role invitation offers the administrator or president role."),
        INVITATION_BAD_EXPIRY: _("Choose a validity between 1 hour and 90 days."),
        INVITATION_BAD_MAX_USES: _(
            "A role invitation can be used once; a join link between 1 and 100000 times."
        ),
        INVITATION_PHONE_REQUIRED: _("Enter the mobile phone number to text the invitation to."),
        INVITATION_SMS_FAILED: _(
            "The text message could not be sent. Try again later or share the link instead."
        ),
        INVITATION_ALREADY_REVOKED: _("This invitation is already withdrawn."),
    }
)

# 16 base32 characters = 80 random bits: far beyond guessing, short enough for an SMS.
CODE_BYTES = 10
MIN_EXPIRY = timedelta(hours=1)
MAX_EXPIRY = timedelta(days=90)
JOIN_DEFAULT_MAX_USES = 10_000
JOIN_MAX_USES = 100_000
# SMS invitations cost money and reach people who did not ask for them: at most this many per
# number a day, per organization an hour, per inviting admin an hour.
SMS_RATE_PER_PHONE = (3, 86_400)
SMS_RATE_PER_ORG = (200, 3_600)
SMS_RATE_PER_ACTOR = (60, 3_600)
# The logical SMS templates (settings.SMS_TEMPLATES maps them to the provider's codes).
SMS_TEMPLATES = {InvitationKind.ROLE: "role_invitation", InvitationKind.JOIN: "join_invitation"}


class InvitationStatus:
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"

    LABELS = {
        ACTIVE: _("Active"),
        USED: _("Used"),
        EXPIRED: _("Expired"),
        REVOKED: _("Withdrawn"),
    }


def invitation_status(invitation: Invitation, *, now: Any = None) -> str:
    """active / used / expired / revoked, in that order of precedence reversed (revoked wins)."""
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.use_count >= invitation.max_uses:
        return InvitationStatus.USED
    if invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.ACTIVE


def new_code() -> str:
    """A fresh random code, unique among existing invitations."""
    while True:
        code = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")
        if not Invitation.objects.filter(code=code).exists():
            return code


def normalize_code(code: str) -> str:
    # People retype codes from SMS: ignore case, spaces and dashes.
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def invitation_path(invitation: Invitation) -> str:
    return reverse("hall:invitation_accept", kwargs={"code": invitation.code})


def invitation_url(invitation: Invitation, request: Any = None) -> str:
    """The absolute link people open: from the request when there is one, else SITE_URL."""
    path = invitation_path(invitation)
    if request is not None:
        return str(request.build_absolute_uri(path))
    return urljoin(settings.SITE_URL, path)


# --- create ------------------------------------------------------------------------------------
def invitation_create(
    *,
    actor: Any,
    org: Organization,
    kind: str,
    role: str = Role.MEMBER,
    channel: str = InvitationChannel.LINK,
    phone: str = "",
    name: str = "",
    expires_in: timedelta = timedelta(days=7),
    max_uses: int | None = None,
    request: Any = None,
) -> Invitation:
    """Creates an invitation; with channel SMS, texts its link to `phone`.

    Role invitations are single-use and offer admin or president (the presidency only by a
    president or a platform admin); join invitations default to many uses. An SMS costs its
    segments of the org's allocation of the school's SMS quota: reserved in the transaction that
    creates the invitation (refused before anything is sent when the allocation or the quota
    has too little left), charged once the gateway took it, given back if it failed. SMS is also
    rate-limited per number, org and inviting admin.
    """
    from xiaoyou.accounts.phone import normalize_phone_or_none
    from xiaoyou.core import audit, policy, ratelimit

    kind = InvitationKind(kind)
    channel = InvitationChannel(channel)
    if kind == InvitationKind.ROLE:
        if role not in (Role.ADMIN, Role.PRESIDENT):
            raise ApplicationError(INVITATION_BAD_ROLE)
        if max_uses not in (None, 1):
            raise ApplicationError(INVITATION_BAD_MAX_USES)
        max_uses = 1
    else:
        role = Role.MEMBER
        max_uses = JOIN_DEFAULT_MAX_USES if max_uses is None else max_uses
        if not 1 <= max_uses <= JOIN_MAX_USES:
            raise ApplicationError(INVITATION_BAD_MAX_USES)
    if not MIN_EXPIRY <= expires_in <= MAX_EXPIRY:
        raise ApplicationError(INVITATION_BAD_EXPIRY)
    if phone:
        normalized = normalize_phone_or_none(phone)
        if normalized is None:
            raise ApplicationError("invalid_input")
        phone = normalized
    if channel == InvitationChannel.SMS and not phone:
        raise ApplicationError(INVITATION_PHONE_REQUIRED)
    if not org.is_active or org.archived_at is not None:
        raise ApplicationError(INVITATION_ORG_INACTIVE)

    invitation = Invitation(
        org=org,
        kind=kind,
        role=role,
        channel=channel,
        phone=phone,
        name=name.strip()[:100],
        created_by=actor,
        expires_at=timezone.now() + expires_in,
        max_uses=max_uses,
    )
    policy.require(actor, "create", invitation)

    if channel == InvitationChannel.SMS:
        rules = [
            ratelimit.Rule(f"invitation:sms:phone:{phone}", ratelimit.Rate(*SMS_RATE_PER_PHONE)),
            ratelimit.Rule(f"invitation:sms:org:{org.pk}", ratelimit.Rate(*SMS_RATE_PER_ORG)),
            ratelimit.Rule(
                f"invitation:sms:actor:{getattr(actor, 'pk', '')}",
                ratelimit.Rate(*SMS_RATE_PER_ACTOR),
            ),
        ]
        if ratelimit.blocking(rules) is not None:
            raise ApplicationError("rate_limited", status=429)

    from xiaoyou.messaging.services.quota import local_today, quota_reserve

    sms = _SmsCost(params={}, segments=0, year=local_today().year)
    with transaction.atomic():
        invitation.code = new_code()
        if channel == InvitationChannel.SMS:
            sms = _sms_cost(invitation, request=request, year=sms.year)
            quota_reserve(org=org, segments=sms.segments, year=sms.year)
        invitation.save()
        audit.record(
            actor=actor,
            action="invitation.create",
            obj=invitation,
            org=org,
            changes={
                "kind": [None, kind.value],
                "role": [None, str(role)],
                "channel": [None, channel.value],
                "name": [None, invitation.name],
                "max_uses": [None, max_uses],
                "expires_at": [None, invitation.expires_at.isoformat()],
                "sms_segments": [None, sms.segments],
            },
        )

    if channel == InvitationChannel.SMS:
        # Texted after the commit: the SMS gateway is slow and outside the database; a failed
        # text gives the message back and withdraws the code nobody received.
        if ratelimit.hit_all(rules) is not None:
            _undo_sms(invitation, actor=actor, sms=sms)
            raise ApplicationError("rate_limited", status=429)
        _send_sms(invitation, actor=actor, sms=sms)
    return invitation


@dataclass(frozen=True)
class _SmsCost:
    """An invitation text: the template's parameters, its billed segments, the quota year."""

    params: dict[str, str]
    segments: int
    year: int


def _sms_cost(invitation: Invitation, *, request: Any, year: int) -> _SmsCost:
    """The parameters of the invitation's text and what it costs of the allocation, counted on
    the text as the development backends show it, in the school's default language (the
    invitee's is unknown), signature included."""
    from xiaoyou.core.sms.base import render_text
    from xiaoyou.messaging.sms_text import billed_segments

    params = {
        "org": invitation.org.name,
        "role": str(Role(invitation.role).label),
        "name": invitation.name,
        "url": invitation_url(invitation, request),
        "days": str(
            max(1, round((invitation.expires_at - timezone.now()).total_seconds() / 86400))
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_text(SMS_TEMPLATES[InvitationKind(invitation.kind)], params)
    return _SmsCost(params=params, segments=billed_segments(text), year=year)


def _send_sms(invitation: Invitation, *, actor: Any, sms: _SmsCost) -> None:
    from xiaoyou.core.sms import SmsError, get_backend
    from xiaoyou.messaging.services.quota import quota_charge

    try:
        get_backend().send(
            phone=invitation.phone,
            template=SMS_TEMPLATES[InvitationKind(invitation.kind)],
            params=sms.params,
        )
    except SmsError as exc:
        _undo_sms(invitation, actor=actor, sms=sms)
        raise ApplicationError(INVITATION_SMS_FAILED, status=502) from exc
    quota_charge(org=invitation.org, year=sms.year, segments=sms.segments, kind="invitation")


@transaction.atomic
def _undo_sms(invitation: Invitation, *, actor: Any, sms: _SmsCost) -> None:
    from xiaoyou.core import audit
    from xiaoyou.messaging.services.quota import quota_release

    quota_release(org=invitation.org, year=sms.year, segments=sms.segments)
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=now)
    invitation.revoked_at = now
    audit.record(
        actor=actor,
        action="invitation.sms_failed",
        obj=invitation,
        org=invitation.org,
        changes={"revoked_at": [None, now.isoformat()]},
    )


# --- revoke ------------------------------------------------------------------------------------
@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    """Withdraws an invitation: its code stops working at once (used ones stay as history)."""
    from xiaoyou.core import audit, policy

    policy.require(actor, "revoke", invitation)
    now = timezone.now()
    changed = Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if not changed:
        raise ApplicationError(INVITATION_ALREADY_REVOKED, status=409)
    invitation.revoked_at = now
    audit.record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        org=invitation.org,
        changes={"revoked_at": [None, now.isoformat()]},
    )
    return invitation


# --- look up and use ---------------------------------------------------------------------------
def invitation_by_code(code: str) -> Invitation:
    """The invitation of a code, whatever its state, or the "unknown code" error (404)."""
    invitation = (
        Invitation.objects.select_related("org", "created_by")
        .filter(code=normalize_code(code))
        .first()
    )
    if invitation is None:
        raise ApplicationError(INVITATION_UNKNOWN, status=404)
    return invitation


def invitation_check(invitation: Invitation, *, now: Any = None) -> None:
    """Raises the clear error of an invitation that can no longer be used (nothing changes)."""
    state = invitation_status(invitation, now=now)
    if state == InvitationStatus.REVOKED:
        raise ApplicationError(INVITATION_REVOKED, status=410)
    if state == InvitationStatus.USED:
        raise ApplicationError(INVITATION_USED, status=410)
    if state == InvitationStatus.EXPIRED:
        raise ApplicationError(INVITATION_EXPIRED, status=410)
    org = invitation.org
    if not org.is_active or org.archived_at is not None:
        raise ApplicationError(INVITATION_ORG_INACTIVE, status=410)
    creator = invitation.created_by
    if creator is not None and not _still_may_invite(creator, invitation):
        # The inviter lost the right to invite (role removed): their codes die with it.
        raise ApplicationError(INVITATION_REVOKED, status=410)


def _still_may_invite(creator: Any, invitation: Invitation) -> bool:
    from xiaoyou.core import policy
    from xiaoyou.organizations.selectors import clear_role_cache

    clear_role_cache(creator)
    return creator.is_active and policy.can(creator, "create", invitation)


def invitation_check_for_join(invitation: Invitation, *, org: Organization) -> None:
    """For the join form: the invitation must be a usable join invitation of `org`."""
    if invitation.kind != InvitationKind.JOIN or invitation.org_id != org.pk:
        raise ApplicationError(INVITATION_WRONG_ORG)
    invitation_check(invitation)


def invitation_use(*, actor: Any, invitation: Invitation) -> Invitation:
    """Counts one use with a conditional UPDATE; the loser of a race gets the clear error.

    Call it inside the transaction that does what the invitation allows, so a failure there
    gives the use back.
    """
    now = timezone.now()
    counted = Invitation.objects.filter(
        pk=invitation.pk,
        revoked_at__isnull=True,
        expires_at__gt=now,
        use_count__lt=F("max_uses"),
    ).update(use_count=F("use_count") + 1, used_by=actor, used_at=now)
    if not counted:
        invitation.refresh_from_db()
        invitation_check(invitation, now=now)
        # Still looks usable (a concurrent use took the last one between read and write).
        raise ApplicationError(INVITATION_USED, status=410)
    invitation.refresh_from_db(fields=["use_count", "used_by", "used_at"])
    return invitation


def invitation_accept(
    *,
    actor: Any,
    code: str,
    answers: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
) -> Any:
    """Accepts an invitation by its code.

    A role invitation grants its role (and membership) at once and returns the OrgRole; a join
    invitation submits a join request carrying it (with the join form's `answers` and `files`)
    and returns the JoinRequest. Expired, used, withdrawn and unknown codes raise a clear error
    and change nothing.
    """
    from xiaoyou.core import audit, policy

    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("permission_denied", status=403)
    invitation = invitation_by_code(code)
    policy.require(actor, "accept", invitation)
    invitation_check(invitation)
    if invitation.kind == InvitationKind.JOIN:
        return _accept_join(actor=actor, invitation=invitation, answers=answers, files=files)

    if invitation.phone and not (actor.phone == invitation.phone and actor.phone_verified):
        raise ApplicationError(INVITATION_PHONE_MISMATCH, status=403)
    if OrgRole.objects.filter(user=actor, org=invitation.org, role=invitation.role).exists():
        raise ApplicationError(INVITATION_ROLE_HELD, status=409)
    with transaction.atomic():
        invitation_use(actor=actor, invitation=invitation)
        granted = _grant_role(actor=actor, invitation=invitation)
        audit.record(
            actor=actor,
            action="invitation.accept",
            obj=invitation,
            org=invitation.org,
            changes={"role": [None, invitation.role], "used_by": [None, str(actor)]},
        )
    return granted


def _accept_join(
    *,
    actor: Any,
    invitation: Invitation,
    answers: dict[str, Any] | None,
    files: dict[str, Any] | None,
) -> Any:
    from xiaoyou.organizations.services.joining import join_request_submit

    # One transaction: a refused request (missing fields, duplicate, banned) gives the use back.
    # join_request_submit checks the invitation; counting its use is this service's job.
    with transaction.atomic():
        join_request = join_request_submit(
            actor=actor,
            org=invitation.org,
            answers=answers or {},
            files=files or {},
            invitation=invitation,
        )
        invitation_use(actor=actor, invitation=invitation)
    return join_request


def _grant_role(*, actor: Any, invitation: Invitation) -> OrgRole:
    """The invited role, and membership of the org (a leader is a member too)."""
    from xiaoyou.organizations.selectors_membership import is_banned
    from xiaoyou.organizations.services.activation import membership_activate
    from xiaoyou.organizations.services.roles import role_grant

    org = invitation.org
    if is_banned(actor, org):
        from xiaoyou.organizations.errors_membership import MEMBER_BANNED

        raise ApplicationError(MEMBER_BANNED, status=403)
    # The invitation is the authority here (checked when it was made and again on use), so the
    # grants run as the system; the audit entry of the acceptance names the person.
    membership_activate(actor=actor, org=org, user=actor, source=MembershipSource.INVITATION)
    return role_grant(actor=None, user=actor, org=org, role=invitation.role)
