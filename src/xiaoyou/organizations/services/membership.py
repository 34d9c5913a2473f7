"""Membership (会员): joining (入会申请) through the org's approval mode and the core review queue,
members' own changes (re-editing their information, leaving), and admins' removals and bans.

The rules kept here:
- a join request is validated against the org's join form as a whole: one error with a message
  per field, and nothing written;
- AUTOMATIC joins at once, MANUAL goes to the review queue, MATCHED joins at once when the
  applicant is matched to exactly one alumni record and goes to review otherwise; a valid
  invitation (checked here, counted by the invitation service) and a staff import of the same
  verified phone join at once;
- "members of every sub-organization are members of the main association": activating a
  membership below the root also activates (source=implied) the root membership;
- a membership and its OrgRole(member) row change together; ending a membership (leave,
  removal, ban) ends the person's memberships in the org's sub-organizations too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, notifications, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import (
    ApprovalMode,
    Invitation,
    JoinFieldType,
    JoinRequest,
    JoinRequestFile,
    JoinRequestStatus,
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
    OrgRole,
    Role,
    Visibility,
)
from xiaoyou.organizations.services.roles import role_grant, role_revoke

JOIN_REVIEW_KIND = "organizations.join"
JOIN_DECIDED_KIND = "organizations.join_decided"
MEMBERSHIP_ENDED_KIND = "organizations.membership_ended"

# Approval modes in which a member's change of their join information is reviewed too.
REVIEWED_MODES = (ApprovalMode.MANUAL, ApprovalMode.MATCHED)


class JoinFormInvalid(ApplicationError):
    """The answers do not satisfy the join form; `field_errors` maps field keys to messages."""

    def __init__(self, field_errors: dict[str, list[str]]) -> None:
        super().__init__(member_errors.JOIN_FORM_INVALID, status=400)
        self.field_errors = field_errors


# --- Joining ----------------------------------------------------------------------------------


def clean_join_answers(
    org: Organization,
    answers: Mapping[str, Any] | None,
    files: Mapping[str, Any] | None,
    *,
    existing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answers checked against `org.join_form` (required fields, types, choices, dates, file
    sizes and types); raises JoinFormInvalid with every field's message at once.

    File answers come back as the uploads (stored by the caller) or, when re-editing, the file
    already on record.
    """
    from xiaoyou.organizations.forms_membership import JoinAnswersForm

    # A form post (QueryDict) is passed as is, so checkbox fields keep their several values.
    data = answers if hasattr(answers, "getlist") else dict(answers or {})
    form = JoinAnswersForm(org.join_form, data=data, files=files or {}, existing=existing)
    if not form.is_valid():
        raise JoinFormInvalid(form.field_errors())
    return form.answers()


def _check_may_join(actor: Any, org: Organization, invitation: Invitation | None) -> None:
    """Raises the clear error of a person who may not ask to join `org` now (nothing changes)."""
    from xiaoyou.organizations import selectors_membership as selectors

    if not org.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    if org.archived_at is not None:
        raise ApplicationError(member_errors.ORGANIZATION_ARCHIVED, status=409)
    if selectors.is_banned(actor, org) or _banned_by_phone(actor, org):
        raise ApplicationError(member_errors.MEMBER_BANNED, status=403)
    if selectors.is_member(actor, org):
        raise ApplicationError(errors.ALREADY_MEMBER, status=409)
    if selectors.pending_request(actor, org) is not None:
        raise ApplicationError(errors.JOIN_REQUEST_PENDING, status=409)
    if invitation is not None:
        from xiaoyou.organizations.services.invitations import invitation_check_for_join

        invitation_check_for_join(invitation, org=org)
    elif org.visibility == Visibility.PRIVATE:
        raise ApplicationError(member_errors.INVITATION_REQUIRED, status=403)


def _verified_phone(user: Any) -> str:
    return (getattr(user, "phone", "") or "") if getattr(user, "phone_verified", False) else ""


def _banned_by_phone(user: Any, org: Organization) -> bool:
    """A ban of an imported person (no account yet) holds for the account of that phone."""
    phone = _verified_phone(user)
    if not phone:
        return False
    return Membership.objects.filter(
        user__isnull=True,
        phone=phone,
        status=MembershipStatus.BANNED,
        org_id__in=org.ancestor_ids(),
    ).exists()


def _imported_membership(user: Any, org: Organization) -> Membership | None:
    """The staff-imported, still unlinked membership of the user's verified phone in `org`."""
    phone = _verified_phone(user)
    if not phone:
        return None
    return (
        Membership.objects.select_for_update()
        .filter(org=org, user__isnull=True, phone=phone)
        .exclude(status=MembershipStatus.BANNED)
        .first()
    )


def join_request_submit(
    *,
    actor: Any,
    org: Organization,
    answers: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    message: str = "",
    invitation: Invitation | None = None,
) -> JoinRequest:
    """The signed-in actor asks to join `org` with the join form's `answers` and `files`.

    Refused, changing nothing, when: the org is inactive or archived; the actor is banned from
    it (or from an org above it); already a member; has a request pending (409); the org is
    private and no valid invitation is given; the answers do not satisfy the join form
    (JoinFormInvalid, a message per field). Otherwise the org's approval mode applies (see the
    module docstring). Returns the request: APPROVED when the actor is a member now, PENDING
    when it waits in the review queue. The invitation's use is counted by its own service.
    """
    from xiaoyou.alumni.selectors import match_record_for_user

    policy.require(actor, "submit", JoinRequest)
    _check_may_join(actor, org, invitation)
    cleaned = clean_join_answers(org, answers, files)
    with transaction.atomic():
        imported = _imported_membership(actor, org)
        matched = match_record_for_user(actor, cleaned)
        # An invitation and a staff import of the same phone are decisions already made.
        if (
            invitation is not None
            or imported is not None
            or org.approval_mode == ApprovalMode.AUTOMATIC
        ):
            joins_now = True
        elif org.approval_mode == ApprovalMode.MATCHED:
            joins_now = matched is not None
        else:
            joins_now = False
        try:
            # Savepoint: a concurrent duplicate hits the one-pending constraint, not our
            # transaction.
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    user=actor,
                    org=org,
                    message=(message or "").strip()[:1000],
                    answers=_without_uploads(cleaned),
                    matched_record=matched,
                    invitation=invitation,
                )
        except IntegrityError:
            raise ApplicationError(errors.JOIN_REQUEST_PENDING, status=409) from None
        stored = _store_files(join_request, cleaned)
        if stored != join_request.answers:
            join_request.answers = stored
            join_request.save(update_fields=["answers", "updated_at"])
        if joins_now:
            join_request.status = JoinRequestStatus.APPROVED
            join_request.decided_at = timezone.now()
            join_request.save(update_fields=["status", "decided_at", "updated_at"])
            if invitation is not None:
                source = MembershipSource.INVITATION
            elif imported is not None:
                source = MembershipSource.IMPORTED
            else:
                source = MembershipSource.APPLICATION
            membership_activate(
                actor=actor,
                org=org,
                user=actor,
                source=source,
                answers=stored,
                alumni_record=matched,
            )
        else:
            reviews.review_submit(
                obj=join_request,
                submitter=actor,
                org=org,
                summary=_join_summary(join_request),
                kind=JOIN_REVIEW_KIND,
            )
    return join_request


def _without_uploads(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answers.items() if not isinstance(value, UploadedFile)}


def _store_files(join_request: JoinRequest, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Saves the uploads as JoinRequestFile rows; the answers then name each file by id."""
    result: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, UploadedFile):
            stored = JoinRequestFile(
                request=join_request,
                field_key=key[:40],
                original_name=(value.name or "file")[:200],
                size=value.size or 0,
            )
            stored.file.save(value.name or "file", value, save=False)
            stored.save()
            result[key] = {"file_id": stored.pk, "name": stored.original_name}
        else:
            result[key] = value
    return result


def _join_summary(join_request: JoinRequest) -> str:
    # Stored once and read by admins in any language: names only, no translated words.
    return f"{join_request.user} → {join_request.org}"


# --- Membership rows ------------------------------------------------------------------------


def membership_activate(
    *,
    actor: Any | None,
    org: Organization,
    user: Any,
    source: str,
    answers: Mapping[str, Any] | None = None,
    alumni_record: Any = None,
) -> Membership:
    """Makes `user` an active member of `org` (creating, re-activating or linking the row).

    Called by the join services once the decision is made (no policy check here). A staff import
    of the user's verified phone is linked to the account instead of duplicated. The member role
    is granted, and below the root the main association's membership follows (source=implied).
    """
    now = timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(org=org, user=user).first()
        imported = _imported_membership(user, org)
        if membership is None and imported is not None:
            membership, imported = imported, None
            membership.user = user
        if membership is None:
            membership = Membership.objects.create(
                org=org,
                user=user,
                name=_person_name(user),
                phone=getattr(user, "phone", "") or "",
                status=MembershipStatus.ACTIVE,
                source=source,
                joined_at=now,
                answers=dict(answers or {}),
                alumni_record=alumni_record,
            )
            changes: dict[str, Any] = {"status": [None, MembershipStatus.ACTIVE.value]}
        else:
            before = membership.status
            if membership.status != MembershipStatus.ACTIVE:
                membership.status = MembershipStatus.ACTIVE
                membership.joined_at = now
                membership.ended_at = None
                membership.end_reason = ""
                membership.source = source
            if answers is not None and (answers or not membership.answers):
                membership.answers = dict(answers)
            if alumni_record is not None:
                membership.alumni_record = alumni_record
            membership.name = membership.name or _person_name(user)
            membership.phone = membership.phone or getattr(user, "phone", "") or ""
            membership.save(
                update_fields=[
                    "user",
                    "status",
                    "joined_at",
                    "ended_at",
                    "end_reason",
                    "source",
                    "answers",
                    "alumni_record",
                    "name",
                    "phone",
                    "updated_at",
                ]
            )
            changes = {"status": [before, MembershipStatus.ACTIVE.value]}
        if imported is not None:
            # The person had both an account row and a staff import: keep one.
            _merge_imported(into=membership, imported=imported)
        if not OrgRole.objects.filter(user=user, org=org, role=Role.MEMBER).exists():
            role_grant(actor=None, user=user, org=org, role=Role.MEMBER)
        changes["source"] = [None, membership.source]
        audit.record(
            actor=actor, action="membership.activate", obj=membership, org=org, changes=changes
        )
        if org.parent_id is not None:
            _ensure_main_membership(actor=actor, org=org, user=user, alumni_record=alumni_record)
    return membership


def _merge_imported(*, into: Membership, imported: Membership) -> None:
    if into.alumni_record_id is None and imported.alumni_record_id is not None:
        into.alumni_record_id = imported.alumni_record_id
        into.save(update_fields=["alumni_record", "updated_at"])
    into.groups.add(*imported.groups.all())
    imported.delete()


def _ensure_main_membership(
    *, actor: Any | None, org: Organization, user: Any, alumni_record: Any
) -> None:
    from xiaoyou.organizations import selectors_membership as selectors

    root = selectors.root_of(org)
    existing = Membership.objects.filter(org=root, user=user).first()
    if existing is not None and existing.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.BANNED,
    ):
        if not OrgRole.objects.filter(user=user, org=root, role=Role.MEMBER).exists() and (
            existing.status == MembershipStatus.ACTIVE
        ):
            role_grant(actor=None, user=user, org=root, role=Role.MEMBER)
        return
    membership_activate(
        actor=actor,
        org=root,
        user=user,
        source=MembershipSource.IMPLIED,
        answers=None,
        alumni_record=alumni_record,
    )


def _person_name(user: Any) -> str:
    return (getattr(user, "display_name", "") or str(user))[:100]


# --- Review callbacks -------------------------------------------------------------------------


def join_request_approve(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the applicant becomes a member, or their new information applies."""
    join_request.status = JoinRequestStatus.APPROVED
    join_request.decided_at = timezone.now()
    join_request.decision_reason = reason
    join_request.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    if join_request.is_update:
        membership = Membership.objects.filter(
            org=join_request.org, user=join_request.user, status=MembershipStatus.ACTIVE
        ).first()
        if membership is not None:
            _apply_answers(actor=actor, membership=membership, answers=join_request.answers)
    else:
        membership_activate(
            actor=actor,
            org=join_request.org,
            user=join_request.user,
            source=MembershipSource.APPLICATION,
            answers=join_request.answers,
            alumni_record=join_request.matched_record,
        )
    _notify_decision(join_request, approved=True, reason=reason)


def join_request_reject(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the request is closed with the queue's (required) reason; a rejected
    update leaves the member's information as it was."""
    join_request.status = JoinRequestStatus.REJECTED
    join_request.decided_at = timezone.now()
    join_request.decision_reason = reason
    join_request.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    _notify_decision(join_request, approved=False, reason=reason)


def _notify_decision(join_request: JoinRequest, *, approved: bool, reason: str) -> None:
    notifications.notify(
        user=join_request.user,
        kind=JOIN_DECIDED_KIND,
        context={
            "org_name": join_request.org.name,
            "approved": approved,
            "is_update": join_request.is_update,
            "reason": reason,
            "url": reverse("hall:org_detail", args=[join_request.org_id]),
        },
    )


def register_review_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        JOIN_REVIEW_KIND,
        model=JoinRequest,
        label=_("Join requests"),
        on_approve=join_request_approve,
        on_reject=join_request_reject,
        summary=_join_summary,
        order=10,
        details=_join_details,
        # The applicant gets "organizations.join_decided" from the callbacks instead.
        notify_submitter=False,
    )


def _join_details(join_request: JoinRequest) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.organizations.forms_membership import answer_rows

    rows: list[tuple[Any, Any]] = [
        (_("Applicant"), join_request.user),
        (_("Organization"), join_request.org),
        (_("Type"), _("Change of information") if join_request.is_update else _("New member")),
        (_("Message"), join_request.message or "—"),
    ]
    record = join_request.matched_record
    if record is not None:
        rows.append((_("Matched alumni record"), f"{record.name} · {record.student_id or '—'}"))
    for label, value, kind in answer_rows(join_request.org.join_form, join_request.answers):
        if kind == JoinFieldType.FILE and isinstance(value, Mapping):
            value = value.get("name", "")
        rows.append((label, value if value not in (None, "") else "—"))
    return rows


def register_notification_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core.models import Channel

    notifications.register_kind(
        JOIN_DECIDED_KIND,
        _("Join decisions"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.WECHAT],
        description=_("When an organization accepts or declines your request to join"),
        order=20,
    )
    notifications.register_kind(
        MEMBERSHIP_ENDED_KIND,
        _("Membership ended"),
        default_channels=[Channel.IN_APP, Channel.EMAIL],
        description=_("When an organization removes you from its members"),
        order=21,
    )


# --- Members' own changes ---------------------------------------------------------------------


def member_info_update(
    *,
    actor: Any,
    org: Organization,
    answers: Mapping[str, Any] | None,
    files: Mapping[str, Any] | None = None,
    message: str = "",
) -> JoinRequest:
    """A member re-edits their join information.

    When the org reviews joins (manual or matched), the change is a join request with
    `is_update` in the review queue and the membership keeps its answers until it is approved
    (one pending at a time). Otherwise it applies at once; the audit log keeps the old answers.
    Returns the request (APPROVED when applied).
    """
    from xiaoyou.organizations import selectors_membership as selectors

    policy.require(actor, "submit", JoinRequest)
    membership = selectors.active_membership(actor, org)
    if membership is None:
        raise ApplicationError(member_errors.NOT_A_MEMBER, status=403)
    if selectors.pending_request(actor, org) is not None:
        raise ApplicationError(member_errors.UPDATE_PENDING, status=409)
    cleaned = clean_join_answers(org, answers, files, existing=membership.answers)
    reviewed = org.approval_mode in REVIEWED_MODES
    with transaction.atomic():
        try:
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    user=actor,
                    org=org,
                    is_update=True,
                    message=(message or "").strip()[:1000],
                    answers=_without_uploads(cleaned),
                    matched_record=membership.alumni_record,
                )
        except IntegrityError:
            raise ApplicationError(member_errors.UPDATE_PENDING, status=409) from None
        stored = _store_files(join_request, cleaned)
        join_request.answers = stored
        if reviewed:
            join_request.save(update_fields=["answers", "updated_at"])
            reviews.review_submit(
                obj=join_request,
                submitter=actor,
                org=org,
                summary=_join_summary(join_request),
                kind=JOIN_REVIEW_KIND,
            )
        else:
            join_request.status = JoinRequestStatus.APPROVED
            join_request.decided_at = timezone.now()
            join_request.save(update_fields=["answers", "status", "decided_at", "updated_at"])
            _apply_answers(actor=actor, membership=membership, answers=stored)
    return join_request


def _apply_answers(*, actor: Any, membership: Membership, answers: Mapping[str, Any]) -> None:
    before = dict(membership.answers or {})
    membership.answers = dict(answers)
    membership.save(update_fields=["answers", "updated_at"])
    audit.record(
        actor=actor,
        action="membership.update_info",
        obj=membership,
        org=membership.org,
        changes={"answers": [before, membership.answers]},
    )


def membership_leave(*, actor: Any, org: Organization) -> list[Membership]:
    """The actor leaves `org`, and with it its sub-organizations (leaving the main association
    leaves every organization). Their member roles there are given up; returns the ended rows."""
    from xiaoyou.organizations import selectors_membership as selectors

    if not selectors.is_member(actor, org):
        raise ApplicationError(member_errors.NOT_A_MEMBER, status=403)
    with transaction.atomic():
        ended = _end_memberships(
            actor=actor,
            user=actor,
            org=org,
            status=MembershipStatus.LEFT,
            reason="",
            action="membership.leave",
        )
    return ended


def _end_memberships(
    *, actor: Any, user: Any, org: Organization, status: str, reason: str, action: str
) -> list[Membership]:
    """Ends the user's active memberships in `org`'s subtree and revokes their member roles."""
    now = timezone.now()
    memberships = list(
        Membership.objects.select_for_update()
        .filter(user=user, org__path__startswith=org.path, status=MembershipStatus.ACTIVE)
        .select_related("org")
    )
    own = Membership.objects.filter(user=user, org=org).first()
    if own is not None and own not in memberships and status == MembershipStatus.BANNED:
        # A ban holds even when the person had already left.
        memberships.append(own)
    for membership in memberships:
        before = membership.status
        if membership.org_id == org.pk or status == MembershipStatus.LEFT:
            membership.status = status
        else:
            # Removed or banned from an org: removed from its sub-organizations (the ban of
            # the org already covers them, see selectors_membership.is_banned).
            membership.status = MembershipStatus.REMOVED
        membership.ended_at = now
        membership.end_reason = reason[:300]
        membership.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        audit.record(
            actor=actor,
            action=action,
            obj=membership,
            org=membership.org,
            changes={"status": [before, membership.status], "reason": [None, reason]}
            if reason
            else {"status": [before, membership.status]},
        )
    member_roles = OrgRole.objects.filter(
        user=user, role=Role.MEMBER, org__path__startswith=org.path
    ).select_related("org")
    for granted in list(member_roles):
        role_revoke(actor=actor, user=user, org=granted.org, role=Role.MEMBER)
    return memberships


# --- Admins: removal, bans, imports ----------------------------------------------------------


def member_remove(*, actor: Any, membership: Membership, reason: str) -> Membership:
    """An admin of the org removes a member, with a reason (they may apply again later)."""
    return _member_end(
        actor=actor,
        membership=membership,
        reason=reason,
        status=MembershipStatus.REMOVED,
        action="membership.remove",
    )


def member_ban(*, actor: Any, membership: Membership, reason: str) -> Membership:
    """An admin bans a member, with a reason: they leave and can never apply again (to this org
    nor to its sub-organizations)."""
    return _member_end(
        actor=actor,
        membership=membership,
        reason=reason,
        status=MembershipStatus.BANNED,
        action="membership.ban",
    )


def _member_end(
    *, actor: Any, membership: Membership, reason: str, status: str, action: str
) -> Membership:
    policy.require(actor, "manage", membership)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(member_errors.REASON_REQUIRED)
    if membership.status == status:
        return membership
    with transaction.atomic():
        if membership.user_id is None:
            before = membership.status
            membership.status = status
            membership.ended_at = timezone.now()
            membership.end_reason = reason[:300]
            membership.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
            audit.record(
                actor=actor,
                action=action,
                obj=membership,
                org=membership.org,
                changes={"status": [before, status], "reason": [None, reason]},
            )
        else:
            _end_memberships(
                actor=actor,
                user=membership.user,
                org=membership.org,
                status=status,
                reason=reason,
                action=action,
            )
            if status == MembershipStatus.BANNED:
                _close_pending_requests(membership, reason=reason, actor=actor)
            notifications.notify(
                user=membership.user,
                kind=MEMBERSHIP_ENDED_KIND,
                context={
                    "org_name": membership.org.name,
                    "banned": status == MembershipStatus.BANNED,
                    "reason": reason,
                    "url": reverse("hall:my_orgs"),
                },
            )
        membership.refresh_from_db()
    return membership


def _close_pending_requests(membership: Membership, *, reason: str, actor: Any) -> None:
    """A banned person's pending requests in the branch are closed with the ban's reason (and
    leave the to-do list)."""
    from django.contrib.contenttypes.models import ContentType

    from xiaoyou.core.models import ReviewItem, ReviewStatus

    now = timezone.now()
    pending = JoinRequest.objects.filter(
        user=membership.user,
        org__path__startswith=membership.org.path,
        status=JoinRequestStatus.PENDING,
    )
    ids = [str(pk) for pk in pending.values_list("pk", flat=True)]
    if not ids:
        return
    pending.update(status=JoinRequestStatus.REJECTED, decided_at=now, decision_reason=reason[:1000])
    ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(JoinRequest),
        object_id__in=ids,
        status=ReviewStatus.PENDING,
    ).update(status=ReviewStatus.REJECTED, decided_by=actor, decided_at=now, reason=reason)


def members_export(*, actor: Any, org: Organization, memberships: Any) -> bytes:
    """The members as an Excel workbook, phones in clear: admins of `org` only, and every
    export is in the audit log (how many rows, of which organization)."""
    from django.utils.translation import gettext

    from xiaoyou.core import excel

    policy.require(actor, "export", Membership, org=org)
    rows = []
    for membership in memberships:
        rows.append(
            [
                membership.name,
                _spreadsheet_phone(membership.phone or getattr(membership.user, "phone", "")),
                membership.org.name,
                membership.get_status_display(),
                membership.get_source_display(),
                "、".join(group.name for group in membership.groups.all()),
                membership.alumni_record.student_id if membership.alumni_record_id else "",
                membership.joined_at,
            ]
        )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="membership.export",
            obj=org,
            org=org,
            changes={"rows": [None, len(rows)]},
        )
    return excel.xlsx_bytes(
        [
            gettext("Name"),
            gettext("Mobile phone"),
            gettext("Organization"),
            gettext("Status"),
            gettext("Source"),
            gettext("Groups"),
            gettext("Student number"),
            gettext("Joined at"),
        ],
        rows,
        title=gettext("Members"),
    )


def _spreadsheet_phone(phone: str | None) -> str:
    # Mainland numbers as people read them; a leading "+" would be neutralized as a formula.
    phone = phone or ""
    if phone.startswith("+86") and len(phone) == 14:
        return phone[3:]
    return phone
