"""扩展信息: defining the custom fields of records (platform admins)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from xiaoyou.alumni.models import CustomField
from xiaoyou.core import audit, policy

EDITABLE = (
    "label",
    "type",
    "is_required",
    "choices",
    "pattern",
    "min_value",
    "max_value",
    "help_text",
    "order",
    "is_active",
)


@transaction.atomic
def custom_field_create(*, actor: Any, key: str, data: Mapping[str, Any]) -> CustomField:
    policy.require(actor, "change", CustomField)
    field = CustomField(key=key, **{name: data[name] for name in EDITABLE if name in data})
    field.full_clean()
    field.save()
    audit.record(
        actor=actor,
        action="custom_field.create",
        obj=field,
        changes=audit.diff({}, audit.snapshot(field, ["key", *EDITABLE])),
    )
    return field


@transaction.atomic
def custom_field_update(*, actor: Any, field: CustomField, data: Mapping[str, Any]) -> CustomField:
    """Changes the definition; stored values stay (a type change shows them as text)."""
    policy.require(actor, "change", CustomField)
    before = audit.snapshot(field, EDITABLE)
    for name in EDITABLE:
        if name in data:
            setattr(field, name, data[name])
    field.full_clean()
    field.save()
    changes = audit.diff(before, audit.snapshot(field, EDITABLE))
    if changes:
        audit.record(actor=actor, action="custom_field.change", obj=field, changes=changes)
    return field
