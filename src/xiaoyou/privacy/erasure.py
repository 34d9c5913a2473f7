"""注销账号: a person deletes their account. Irreversible.

What goes: the account's name, phone, email, avatar, password, linked social accounts, email
addresses, authenticators, API tokens, sessions, notifications and their preferences, join
form answers and files; the memberships end; the person's own posts stay, but their author is
the anonymized account ("已注销用户") and the contact details typed on help posts are cleared.
What the school keeps: the alumni archive record (档案), unlinked from the account; the contact
fields the alumnus entered by self-service are removed unless settings.PRIVACY_KEEP_SELF_PROVIDED
_CONTACTS is True (the school's policy). Consents are withdrawn and kept as proof; the audit
log is kept (it is hash-chained). An Erasure row says what was erased and what was kept.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.privacy.models import Consent, Erasure

ANONYMOUS_NAME = "已注销用户"
ERASED = "******"


def keeps_self_provided_contacts() -> bool:
    return bool(getattr(settings, "PRIVACY_KEEP_SELF_PROVIDED_CONTACTS", False))


def _erase_account(user: Any) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from xiaoyou.api.models import ApiToken
    from xiaoyou.core.models import Delivery, Notification, NotificationPreference

    counts = {
        "social_accounts": SocialAccount.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "authenticators": Authenticator.objects.filter(user=user).delete()[0],
        "api_tokens": ApiToken.objects.filter(user=user).delete()[0],
        "notifications": Notification.objects.filter(user=user).delete()[0],
        "notification_preferences": NotificationPreference.objects.filter(user=user).delete()[0],
        "deliveries": Delivery.objects.filter(user=user).delete()[0],
    }
    if user.avatar:
        user.avatar.delete(save=False)
    user.username = f"deleted-{secrets.token_hex(8)}"
    user.display_name = ANONYMOUS_NAME
    user.first_name = user.last_name = user.email = user.language = ""
    user.phone = None
    user.phone_verified = False
    user.is_active = user.is_staff = user.is_superuser = False
    # A new (unusable) password changes the session hash: every session of the account ends.
    user.set_unusable_password()
    user.save()
    return counts


def _erase_organizations(user: Any) -> dict[str, int]:
    from xiaoyou.organizations.models import (
        JoinRequest,
        JoinRequestFile,
        Membership,
        MembershipStatus,
        OrgRole,
    )
    from xiaoyou.organizations.services.membership_ending import membership_leave

    active = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    ended = 0
    # Leaving an organization leaves its sub-organizations: start from the top ones.
    for membership in active.select_related("org").order_by("org__path"):
        membership.refresh_from_db(fields=["status"])
        if membership.status == MembershipStatus.ACTIVE:
            # Not a member any more by the rules (e.g. implied): ended below all the same.
            with contextlib.suppress(ApplicationError):
                ended += len(membership_leave(actor=user, org=membership.org))
    ended += active.update(status=MembershipStatus.LEFT, ended_at=timezone.now())
    anonymized = Membership.objects.filter(user=user).update(
        name=ANONYMOUS_NAME, phone="", answers={}
    )
    files = 0
    for stored in JoinRequestFile.objects.filter(request__user=user):
        stored.file.delete(save=False)
        stored.delete()
        files += 1
    JoinRequest.objects.filter(user=user).update(message="", answers={})
    roles = OrgRole.objects.filter(user=user).delete()[0]
    return {"memberships_ended": ended, "memberships_anonymized": anonymized,
            "join_files": files, "roles": roles}  # fmt: skip


def _erase_community(user: Any) -> dict[str, int]:
    from xiaoyou.community.models import BoardMessage, BoardReply, HelpPost, HelpReply

    return {
        "help_contacts_cleared": HelpPost.objects.filter(author=user).exclude(contact="").update(contact=""),
        "posts_kept_anonymized": BoardMessage.objects.filter(author=user).count()
        + BoardReply.objects.filter(author=user).count()
        + HelpPost.objects.filter(author=user).count()
        + HelpReply.objects.filter(author=user).count(),
    }  # fmt: skip


def _erase_alumni(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The archive record stays with the association, unlinked; self-provided contacts go."""
    from xiaoyou.alumni.models import AlumniRecord, CollectionResponse, ContactPoint, RecordChange
    from xiaoyou.alumni.models.records import RecordSource
    from xiaoyou.alumni.services.history import history_write
    from xiaoyou.alumni.services.records import SELF_FIELDS

    erased: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    record = AlumniRecord.objects.select_for_update().filter(user=user).first()
    responses = CollectionResponse.objects.filter(user=user).update(user=None)
    if responses:
        erased["campaign_responses_unlinked"] = responses
    if record is None:
        return erased, kept
    changes: dict[str, tuple[Any, Any]] = {"account": (ERASED, None)}
    cleared: list[str] = []
    if not keeps_self_provided_contacts():
        self_changes = RecordChange.objects.filter(
            record=record, source=RecordSource.SELF, field__in=SELF_FIELDS
        )
        for field in sorted(set(self_changes.values_list("field", flat=True))):
            latest = (
                RecordChange.objects.filter(record=record, field=field)
                .order_by("-created_at", "-id")
                .first()
            )
            if latest is not None and latest.source == RecordSource.SELF and getattr(record, field):
                setattr(record, field, "")
                changes[field] = (ERASED, "")
                cleared.append(field)
        # The values typed by the alumnus leave the history and the contact list too.
        self_changes.update(old_value=ERASED, new_value=ERASED)
        ContactPoint.objects.filter(record=record, source=RecordSource.SELF).delete()
    record.user = None
    record.save(update_fields=["user", *cleared, "updated_at"])
    history_write(record=record, changes=changes, source=RecordSource.SELF, actor=None)
    erased["alumni_record_fields"] = cleared
    kept["alumni_record"] = record.pk
    kept["alumni_record_self_provided_contacts"] = keeps_self_provided_contacts()
    return erased, kept


def account_delete(*, actor: Any, reauthenticated_by: str) -> Erasure:
    """Deletes `actor`'s own account (they re-authenticated just before). Irreversible.

    Rule: only the person themselves, re-authenticated; the account row stays anonymized so
    posts and records keep a consistent author; one audit entry and one Erasure row.
    """
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=actor.pk)
        audit.record(
            actor=user,
            action="privacy.account_delete",
            obj=user,
            changes={"reauthenticated_by": reauthenticated_by},
        )
        alumni_erased, kept = _erase_alumni(user)
        erased: dict[str, Any] = {**alumni_erased}
        erased.update(_erase_organizations(user))
        erased.update(_erase_community(user))
        from xiaoyou.content.services.faces import face_data_erase  # 人脸识别 (PIPL: sensitive)

        erased.update(face_data_erase(user))
        erased["consents_withdrawn"] = Consent.objects.filter(
            user=user, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        exports = list(user.data_exports.all())
        for export in exports:
            for stored in (export.json_file, export.xlsx_file):
                if stored:
                    stored.delete(save=False)
            export.delete()
        erased["data_exports"] = len(exports)
        erased.update(_erase_account(user))
        kept.update({"consents": True, "audit_log": True, "posts": erased["posts_kept_anonymized"]})
        erasure = Erasure.objects.create(
            user=user,
            requested_by=user,
            reauthenticated_by=reauthenticated_by,
            erased=erased,
            kept=kept,
        )
    return erasure
