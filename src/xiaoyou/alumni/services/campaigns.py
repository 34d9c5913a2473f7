"""信息采集: campaigns that collect answers from a class or a year into the archive.

This module holds the campaigns themselves (create, change, close/reopen) and their
registration; what happens to the answers is in services/campaign_answers.py.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models import (
    CollectionCampaign,
    CollectionResponse,
    RecordSource,
)
from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.organizations.models import Role

CONFLICT_REVIEW_KIND = "alumni.campaign_conflict"
# Record fields a campaign may ask for; custom fields are asked as "custom:<key>".
ASKABLE_FIELDS: tuple[str, ...] = (
    "name",
    "student_id",
    "phone",
    "email",
    "wechat",
    "city",
    "province",
    "country",
    "employer",
    "position",
    "industry",
    "address",
)
# Values from these sources were checked by a person or an official list: never overwritten.
PROTECTED_SOURCES = frozenset({RecordSource.ADMIN, RecordSource.IMPORT, RecordSource.REGISTRAR})

register_messages(
    {
        "campaign_closed": _("This form is closed."),
        "campaign_no_fields": _("Choose at least one field to ask."),
        "campaign_identity_required": _(
            "Give your name with your student number, or your name with your year of "
            "enrollment and department."
        ),
        "campaign_response_linked": _("This response is already linked to a record."),
        "campaign_record_out_of_reach": _("This record is outside the campaign's reach."),
        "campaign_not_in_conflict": _("This response has no conflict waiting."),
    }
)


def register() -> None:
    """Policy rules and the review kind (called from AlumniConfig.ready)."""
    from xiaoyou.alumni.services.campaign_answers import _approve, _details, _reject

    policy.register(CollectionCampaign, "view", role=Role.ADMIN)
    policy.register(CollectionCampaign, "change", role=Role.ADMIN)
    reviews.register(
        CONFLICT_REVIEW_KIND,
        model=CollectionResponse,
        label=_("Campaign answers in conflict"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=65,
    )


def is_open(campaign: CollectionCampaign) -> bool:
    return campaign.is_active and (
        campaign.closes_at is None or campaign.closes_at > timezone.now()
    )


def _new_code() -> str:
    alphabet = string.ascii_lowercase + string.digits
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if not CollectionCampaign.objects.filter(code=code).exists():
            return code


def _clean_fields(fields: Iterable[str]) -> list[str]:
    """The askable record fields and the active custom fields, in the order given."""
    from xiaoyou.alumni.custom_fields import active_custom_fields

    custom = {f"custom:{key}" for key in active_custom_fields().values_list("key", flat=True)}
    result = [f for f in dict.fromkeys(fields) if f in ASKABLE_FIELDS or f in custom]
    if not result:
        raise ApplicationError("campaign_no_fields")
    return result


def _clean_audience(audience: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if audience.get("graduation_year"):
        clean["graduation_year"] = int(audience["graduation_year"])
    if audience.get("department"):
        clean["department"] = int(audience["department"])
    if str(audience.get("class_name") or "").strip():
        clean["class_name"] = str(audience["class_name"]).strip()
    return clean


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    org: Any,
    title: str,
    description: str = "",
    audience: Mapping[str, Any],
    fields: Iterable[str],
    closes_at: Any = None,
    liaisons: Iterable[Any] = (),
) -> CollectionCampaign:
    """A new open campaign of `org` (its admins only) with a fresh, unguessable code."""
    policy.require(actor, "change", CollectionCampaign, org=org)
    campaign = CollectionCampaign.objects.create(
        org=org,
        title=title.strip(),
        description=description.strip(),
        code=_new_code(),
        audience=_clean_audience(audience),
        fields=_clean_fields(fields),
        created_by=actor,
        closes_at=closes_at,
    )
    campaign.liaisons.set(list(liaisons))
    audit.record(
        actor=actor,
        action="alumni.campaign.create",
        obj=campaign,
        changes={"title": [None, campaign.title], "fields": [None, campaign.fields]},
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: CollectionCampaign,
    title: str,
    description: str = "",
    audience: Mapping[str, Any],
    fields: Iterable[str],
    closes_at: Any = None,
    liaisons: Iterable[Any] = (),
) -> CollectionCampaign:
    policy.require(actor, "change", campaign)
    before = audit.snapshot(campaign, ["title", "description", "audience", "fields", "closes_at"])
    campaign.title = title.strip()
    campaign.description = description.strip()
    campaign.audience = _clean_audience(audience)
    campaign.fields = _clean_fields(fields)
    campaign.closes_at = closes_at
    campaign.save()
    campaign.liaisons.set(list(liaisons))
    audit.record(
        actor=actor,
        action="alumni.campaign.change",
        obj=campaign,
        changes=audit.diff(before, audit.snapshot(campaign, list(before))),
    )
    return campaign


@transaction.atomic
def campaign_set_open(
    *, actor: Any, campaign: CollectionCampaign, is_active: bool
) -> CollectionCampaign:
    """Closes or reopens the form; reopening an expired campaign clears its closing time."""
    policy.require(actor, "change", campaign)
    before = [campaign.is_active, campaign.closes_at]
    campaign.is_active = is_active
    update = ["is_active", "updated_at"]
    if is_active and campaign.closes_at and campaign.closes_at <= timezone.now():
        campaign.closes_at = None
        update.append("closes_at")
    campaign.save(update_fields=update)
    audit.record(
        actor=actor,
        action="alumni.campaign.open" if is_active else "alumni.campaign.close",
        obj=campaign,
        changes={"is_active": [before[0], is_active]},
    )
    return campaign
