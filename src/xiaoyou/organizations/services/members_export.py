"""Exporting members to Excel (phones in clear, audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.core import audit, policy
from xiaoyou.organizations.models import Membership, Organization


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
