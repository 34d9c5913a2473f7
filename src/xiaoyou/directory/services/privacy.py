"""隐私设置 and the school's defaults (校友录设置)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.directory.models import (
    PRIVATE_FIELDS,
    DirectorySettings,
    PrivacySettings,
    Visibility,
)


def _clean(values: Mapping[str, str], *, allow_default: bool) -> dict[str, str]:
    allowed = set(Visibility.values) | ({""} if allow_default else set())
    cleaned = {}
    for name in PRIVATE_FIELDS:
        if name not in values:
            continue
        value = str(values[name] or "")
        if value not in allowed:
            raise ApplicationError("directory_invalid_level")
        cleaned[name] = value
    return cleaned


@transaction.atomic
def privacy_settings_update(*, actor: Any, values: Mapping[str, str]) -> PrivacySettings:
    """Saves who may see each of the actor's own fields; "" follows the school's default.
    Fields left out of `values` keep their setting. Audited with the changed levels."""
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("permission_denied", status=403)
    cleaned = _clean(values, allow_default=True)
    settings, _created = PrivacySettings.objects.select_for_update().get_or_create(user=actor)
    changes = {
        name: [getattr(settings, name), value]
        for name, value in cleaned.items()
        if getattr(settings, name) != value
    }
    for name, value in cleaned.items():
        setattr(settings, name, value)
    settings.save(update_fields=[*PRIVATE_FIELDS, "updated_at"])
    if changes:
        audit.record(actor=actor, action="directory.privacy.update", obj=settings, changes=changes)
    return settings


@transaction.atomic
def directory_settings_update(*, actor: Any, values: Mapping[str, str]) -> DirectorySettings:
    """The school's default level per field (platform admins). Alumni who never chose a level
    for a field follow the new default at once."""
    settings, _created = DirectorySettings.objects.select_for_update().get_or_create(pk=1)
    policy.require(actor, "change", settings)
    cleaned = _clean(values, allow_default=False)
    changes = {
        name: [getattr(settings, name), value]
        for name, value in cleaned.items()
        if getattr(settings, name) != value
    }
    for name, value in cleaned.items():
        setattr(settings, name, value)
    settings.save(update_fields=[*PRIVATE_FIELDS, "updated_at"])
    audit.record(actor=actor, action="directory.settings.update", obj=settings, changes=changes)
    return settings
