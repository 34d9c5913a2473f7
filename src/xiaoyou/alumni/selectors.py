"""Reads of alumni records, always through the organization scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.core import policy


def alumni_records_for(user: Any, *, action: str = "view") -> QuerySet[AlumniRecord]:
    """The records `user` may `action`, with their department and major loaded."""
    return policy.scoped(AlumniRecord.objects.select_related("department", "major"), user, action)
