"""Copying what a linked provider returned into the alumnus's own record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.social.profiles import provider_profile
from xiaoyou.alumni.models import AlumniRecord, RecordSource
from xiaoyou.alumni.services.records import record_update


def own_record(user: Any) -> AlumniRecord | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AlumniRecord.objects.filter(user_id=user.pk, deleted_at__isnull=True).first()


@transaction.atomic
def social_profile_fill(
    *, actor: Any, account: SocialAccount, fields: Iterable[str]
) -> AlumniRecord:
    """Copies the chosen `fields` of what `account`'s provider returned into the actor's own
    record, through the self-service record update (source "self": history and audit there).

    Only the owner of the linked account may do it, only fields the provider returned are
    accepted, the values are the stored ones (never the request's), and nothing is copied
    unless at least one field is chosen."""
    if account.user_id != actor.pk:
        raise PermissionDenied
    record = own_record(actor)
    if record is None:
        raise ValidationError(_("You have no alumni record to fill yet."))
    chosen = list(dict.fromkeys(fields))
    if not chosen:
        raise ValidationError(_("Choose at least one field to copy."))
    offered = provider_profile(account).values
    unknown = [name for name in chosen if name not in offered]
    if unknown:
        raise ValidationError(_("This field cannot be changed here."))
    return record_update(
        actor=actor,
        record=record,
        changes={name: offered[name] for name in chosen},
        source=RecordSource.SELF,
    )
