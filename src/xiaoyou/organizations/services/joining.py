"""Joining (入会申请): the join form's answers, join requests and members' re-edits of them.

The rules kept here:
- a join request is validated against the org's join form as a whole: one error with a message
  per field, and nothing written;
- AUTOMATIC joins at once, MANUAL goes to the review queue, MATCHED joins at once when the
  applicant is matched to exactly one alumni record and goes to review otherwise; a valid
  invitation (checked here, counted by the invitation service) and a staff import of the same
  verified phone join at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import (
    ApprovalMode,
    Invitation,
    JoinRequest,
    JoinRequestFile,
    JoinRequestStatus,
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
    Visibility,
)
from xiaoyou.organizations.services.activation import (
    _imported_membership,
    _verified_phone,
    membership_activate,
)

JOIN_REVIEW_KIND = "organizations.join"


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
