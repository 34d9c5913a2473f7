"""社区设置: an organization's moderation rules for its board and mutual help."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.community.models import CommunitySettings
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import ContentReviewMode, Organization

FIELDS = ("board_review_mode", "help_review_mode", "report_hide_threshold")


@transaction.atomic
def community_settings_update(
    *,
    actor: Any,
    org: Organization,
    board_review_mode: str,
    help_review_mode: str,
    report_hide_threshold: int,
) -> CommunitySettings:
    """Saves the organization's rules (admins of it or above); an empty mode follows the
    organization's default content review. Audited with the changed values."""
    settings, _created = CommunitySettings.objects.select_for_update().get_or_create(org=org)
    policy.require(actor, "change", settings)
    allowed = {"", *ContentReviewMode.values}
    if board_review_mode not in allowed or help_review_mode not in allowed:
        raise ApplicationError("invalid_input")
    if not 1 <= int(report_hide_threshold) <= 100:
        raise ApplicationError("community_threshold_invalid")
    before = {name: getattr(settings, name) for name in FIELDS}
    settings.board_review_mode = board_review_mode
    settings.help_review_mode = help_review_mode
    settings.report_hide_threshold = int(report_hide_threshold)
    settings.save(update_fields=[*FIELDS, "updated_at"])
    changes = {
        name: [before[name], getattr(settings, name)]
        for name in FIELDS
        if before[name] != getattr(settings, name)
    }
    audit.record(
        actor=actor, action="community.settings.update", obj=settings, org=org, changes=changes
    )
    return settings
