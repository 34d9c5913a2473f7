"""Console pages of the audit log (管理日志): filtered list, entry detail with its diff, export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, excel
from xiaoyou.core.models import AuditEntry, Job
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.organizations.selectors import administered_organizations, role_paths

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
AUDIT_VERIFY_JOB = "audit.verify"


def may_see_audit_log(user: Any) -> bool:
    """Staff who administer some organization, and platform admins (superusers)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and role_paths(user, "admin")))


def _audit_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_audit_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _day_start(day: dt.date) -> dt.datetime:
    # Dates are picked in Asia/Shanghai; entries are stored in UTC.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _changes_text(entry: AuditEntry) -> str:
    """ "field: before → after; ..." for the list and the export."""
    parts = []
    for field, values in sorted(entry.changes.items()):
        if isinstance(values, list) and len(values) == 2:
            parts.append(f"{field}: {_show(values, 0)} → {_show(values, 1)}")
        else:
            parts.append(f"{field}: {_show(values, 1)}")
    return "; ".join(parts)


def audit_table(request: HttpRequest) -> DataTable:
    """The audit log as a data table: only the user's entries, only the declared filters."""
    entries = audit.entries_for(request.user)
    organizations = {
        org.pk: org for org in administered_organizations(request.user).order_by("path")
    }
    object_types = entries.order_by("object_type").values_list("object_type", flat=True).distinct()

    def in_org(queryset: QuerySet[AuditEntry], value: Any) -> QuerySet[AuditEntry]:
        return queryset.filter(org__path__startswith=organizations[int(value)].path)

    def since(queryset: QuerySet[AuditEntry], value: dt.date) -> QuerySet[AuditEntry]:
        return queryset.filter(created_at__gte=_day_start(value))

    def until(queryset: QuerySet[AuditEntry], value: dt.date) -> QuerySet[AuditEntry]:
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))

    def detail_url(entry: AuditEntry) -> str:
        return reverse("console:audit_detail", args=[entry.pk])

    return DataTable(
        request,
        entries,
        columns=[
            Column("created_at", _("Time"), sort="created_at", link=detail_url),
            Column(
                "actor_label",
                _("Actor"),
                sort="actor_label",
                accessor=lambda entry: entry.actor_label or _("System"),
            ),
            Column("org__name", _("Organization")),
            Column("action", _("Action"), sort="action", badge=True),
            Column(
                "object_type",
                _("Object type"),
                sort="object_type",
                accessor=lambda entry: object_type_label(entry.object_type),
            ),
            Column("object_repr", _("Object")),
            Column("changes", _("Changes"), accessor=_changes_text),
            Column("ip", _("IP address")),
        ],
        filters=[
            Filter("actor", _("Actor"), lookup="actor_label__icontains"),
            Filter(
                "org",
                _("Organization"),
                kind="select",
                lookup=in_org,
                choices=[(str(pk), org.name) for pk, org in organizations.items()],
            ),
            Filter(
                "object_type",
                _("Object type"),
                kind="select",
                lookup="object_type",
                choices=[(name, object_type_label(name)) for name in object_types if name],
            ),
            # A prefix: "review." finds every review decision.
            Filter("action", _("Action"), lookup="action__startswith", placeholder="review."),
            Filter("date_from", _("From"), kind="date", lookup=since),
            Filter("date_to", _("To"), kind="date", lookup=until),
        ],
        search_fields=["object_repr", "object_id"],
        search_placeholder=_("Object name or id"),
        default_sort="-created_at",
        per_page=PAGE_SIZE,
        per_page_options=(PAGE_SIZE, 100, 200),
        export_formats=excel.FORMATS,
        empty_title=_("No audit entries yet"),
    )


def _latest_verification(user: Any) -> dict[str, Any] | None:
    """The last chain verification (a background job), for platform admins."""
    if not user.is_superuser:
        return None
    job = Job.objects.filter(kind=AUDIT_VERIFY_JOB).order_by("-created_at", "-id").first()
    try:
        start_url = reverse("console:job_audit_verify")
    except NoReverseMatch:  # the job pages are not installed
        start_url = ""
    return {"job": job, "result": (job.result or {}) if job else {}, "start_url": start_url}


@_audit_page
def audit_list(request: HttpRequest) -> HttpResponse:
    table = audit_table(request)
    if table.export_format:
        return _export(table.queryset, table.export_format)
    return render(
        request,
        "console/audit/list.html",
        {"table": table, "verification": _latest_verification(request.user)},
    )


@_audit_page
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Another organization's entry is "not found": its existence is not told.
    entry = audit.entries_for(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    changes = [
        {"field": field, "before": _show(values, 0), "after": _show(values, 1)}
        for field, values in sorted(entry.changes.items())
    ]
    return render(request, "console/audit/detail.html", {"entry": entry, "changes": changes})


def _show(values: Any, index: int) -> str:
    if not isinstance(values, list) or len(values) != 2:
        return json.dumps(values, ensure_ascii=False) if index else ""
    value = values[index]
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


EXPORT_HEADERS = [
    _("ID"),
    _("Time"),
    _("Actor"),
    _("Organization"),
    _("Action"),
    _("Object type"),
    _("Object ID"),
    _("Object"),
    _("Changes"),
    _("IP address"),
    _("Request ID"),
    _("Hash"),
]


def _export(entries: QuerySet[AuditEntry], fmt: str) -> HttpResponse:
    def rows() -> Iterator[list[Any]]:
        for entry in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                entry.pk,
                entry.created_at,
                entry.actor_label,
                entry.org.name if entry.org else "",
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.object_repr,
                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
                entry.ip or "",
                entry.request_id,
                entry.entry_hash,
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return excel.export_response(f"audit-log-{stamp}", EXPORT_HEADERS, rows(), fmt)


def object_type_label(label: str) -> str:
    """The model's translated name for an "app_label.model" string (the raw label if unknown)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name).capitalize()
